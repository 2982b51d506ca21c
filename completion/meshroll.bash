# bash completion for meshroll(1): the commands, each command's options, the stage ids of the
# rollout files on the line for --stage and promote --to (from `meshroll status --ids`), and
# files and directories otherwise. Installed as share/bash-completion/completions/meshroll;
# or source it. tests/test_docs.c holds its lists to meshroll's --help.

# The stage ids of the rollout files and directories among the words after the command:
# what `meshroll status --ids` prints for them, asked of the meshroll on the line ($1).
_meshroll_stage_ids()
{
	local bin=$1 i w files=()

	for ((i = 2; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		((i == COMP_CWORD)) && continue
		_meshroll_takes_arg $((i - 1)) && continue
		case $w in -* | = | '') continue ;; esac
		[[ $w == \~/* ]] && w=$HOME/${w#\~/}
		[[ -e $w ]] && files+=("$w")
	done
	((${#files[@]})) || return 0
	[[ $bin == \~/* ]] && bin=$HOME/${bin#\~/}
	"$bin" status --ids -- "${files[@]}" 2>/dev/null | sort -u
}

# Whether COMP_WORDS[$1] is an option that takes an argument, the next word being it; or the
# '=' of --stage=ID (which bash splits in three), typed already.
_meshroll_takes_arg()
{
	local i=$1

	if [[ ${COMP_WORDS[i]} == = ]] && ((i != COMP_CWORD && i > 0)); then
		((i--))
	fi
	case ${COMP_WORDS[i]} in
	-o | --output | --stage | --templates | --to | -n | --namespace) return 0 ;;
	esac
	return 1
}

_meshroll()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]} opts=''
	local commands='render check status lint promote rollback init schema fn'

	COMPREPLY=()
	# --stage=ID: bash splits it at the '=' (COMP_WORDBREAKS)
	if [[ $cur == = ]]; then
		cur=''
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W '--help --version' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		fi
		return 0
	fi
	case $cmd in
	render) opts='-o --output --stage --templates --help' ;;
	check) opts='-o --output --templates --help' ;;
	status) opts='-o --output --json --templates --help' ;;
	promote) opts='--to --help' ;;
	init) opts='-n --namespace --help' ;;
	lint | rollback | schema | fn) opts='--help' ;;
	*) return 0 ;;
	esac
	case $cmd:$prev in
	render:--stage | promote:--to)
		mapfile -t COMPREPLY < <(compgen -W "$(_meshroll_stage_ids "${COMP_WORDS[0]}")" -- "$cur")
		return 0
		;;
	render:-o | render:--output | check:-o | check:--output | status:-o | status:--output | \
		render:--templates | check:--templates | status:--templates)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	init:-n | init:--namespace) return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return 0
	fi
	case $cmd in
	render | check | status | lint | promote | rollback)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	esac
	return 0
}

complete -F _meshroll meshroll
