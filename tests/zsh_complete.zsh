#!/usr/bin/zsh -f
# zsh_complete.zsh LINE [DUMP]: the candidates that zsh's completion system, with completion/ in its
# fpath, offers at the end of LINE, one a line (a candidate may come twice): LINE is typed
# into a fresh interactive zsh under a pseudo-terminal (zpty), then TAB; compadd is wrapped
# to print what it adds. compinit keeps its dump in DUMP (without one it reads the whole fpath
# each time, seconds on a slow disk). tests/test_docs.c drives it.
emulate -L zsh
zmodload zsh/zpty || exit 3
local root=${0:A:h:h} line
zpty z zsh -f -i
# The marker is made in that shell, so that the echo of these lines does not carry it.
zpty -w z "PROMPT='' RPROMPT='' PS2='' __m='@'; __m+='@'; fpath=(${(q)root}/completion \$fpath)"
local dump=-D
[[ -n ${2:-} ]] && dump="-d ${(q)2}"
zpty -w z "autoload -U compinit; compinit -u $dump; bindkey '^I' complete-word"
zpty -w z 'compadd() { local -a __hits; builtin compadd -O __hits "$@"; (($#__hits)) && print -rl -- "$__m "${^__hits}; builtin compadd "$@"; }'
zpty -w z 'comppostfuncs=(__done); __done() { print -r -- "${__m}END"; exit }'
zpty -w -n z "$1"$'\t'
while zpty -r z line; do
	line=${line//$'\r'/}
	line=${line%$'\n'}
	[[ $line == *@@END* ]] && break
	[[ $line == *'@@ '* ]] && print -r -- ${line##*@@ }
done
zpty -d z
