# bash completion for stacktune (installed as bash-completion/completions/stacktune)
_stacktune()
{
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "audit facts tune index host rules help version" -- "$cur"))
		return
	fi
	case $prev in
	--format)
		case $cmd in
		audit) COMPREPLY=($(compgen -W "text json sarif markdown html" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
		esac
		return ;;
	--fail-on|--severity)
		COMPREPLY=($(compgen -W "info warning error" -- "$cur")); return ;;
	--color|--colour)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
	--profile|--rules|--config|--out|-o|--mysql-defaults-file)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--cpus|--memory|--max-file-size|--pg|--mysql|--mysql-group|--connect-timeout|--only)
		return ;;
	esac
	local common="--profile --cpus --memory --color= --no-ignore --max-file-size -q -v --pg --mysql
		--mysql-defaults-file --mysql-group --connect-timeout --help"
	local opts
	case $cmd in
	audit) opts="--format --fail-on --rules --config -o --out $common" ;;
	facts) opts="--format $common" ;;
	tune) opts="--out --write --only --severity --fail-on --rules --config $common" ;;
	index) opts="--out --format --fail-on --pg --connect-timeout --no-ignore --max-file-size -q -v --help" ;;
	host) opts="--format --profile --cpus --memory --help" ;;
	rules) opts="--rules --help" ;;
	help)
		COMPREPLY=($(compgen -W "audit facts tune index host rules help version" -- "$cur")); return ;;
	*) opts="--help" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	case $cmd in
	rules)
		if [[ $prev == rules ]]; then
			COMPREPLY=($(compgen -W "list explain" -- "$cur"))
		elif [[ $prev == explain ]]; then
			COMPREPLY=($(compgen -W "$(stacktune rules list 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
		fi ;;
	index)
		if [[ $prev == index ]]; then
			COMPREPLY=($(compgen -W "plan apply" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	audit|facts|tune)
		COMPREPLY=($(compgen -d -- "$cur")) ;;
	esac
}
complete -F _stacktune stacktune
