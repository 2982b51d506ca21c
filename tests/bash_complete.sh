#!/bin/bash
# bash_complete.sh CWORD WORD...: the candidates that completion/meshroll.bash offers on the
# command line WORD... with the cursor at the end of word CWORD (from 0), one a line, got as
# bash gets them: the script sourced, COMP_WORDS and COMP_CWORD set, and the function that
# `complete -p meshroll` names called. tests/test_docs.c drives it.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../completion/meshroll.bash
. "$root/completion/meshroll.bash"
COMP_CWORD=$1
shift
COMP_WORDS=("$@")
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
export COMP_LINE COMP_POINT
fn=$(complete -p meshroll | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || { echo "bash_complete.sh: no completion function for meshroll" >&2; exit 3; }
"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}" || exit
[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}"
