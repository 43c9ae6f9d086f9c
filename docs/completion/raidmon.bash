# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion of raidmon(8) (installed as bash-completion/completions/raidmon).

_raidmon_drives() {
    local d
    for d in /sys/block/*; do
        [ -e "$d/device" ] && printf '%s\n' "${d##*/}"
    done
}

_raidmon() {
    local cur prev words cword
    _init_completion || return
    local globals="--json --root --proc --etc --state-dir --no-device-io --verbose -v --version --help"
    local commands="command decode events hotswap identify identity leds locate plan predict safe-to-remove smart status watch"
    case $prev in
        --root|--proc|--etc|--state-dir) _filedir -d; return ;;
        --svg|--socket|--smart) _filedir; return ;;
        --format|-f)
            COMPREPLY=($(compgen -W "auto $(raidmon decode --list-formats 2>/dev/null | awk '{print $1}')" -- "$cur"))
            return ;;
        --via) COMPREPLY=($(compgen -W "auto native smartctl" -- "$cur")); return ;;
        --pattern) COMPREPLY=($(compgen -W "locate fault rebuild" -- "$cur")); return ;;
        --level) COMPREPLY=($(compgen -W "raid0 raid1 raid1e raid4 raid5 raid6 raid10 raid50 raid60 linear" -- "$cur")); return ;;
        --layout) COMPREPLY=($(compgen -W "near far offset" -- "$cur")); return ;;
        --for|--since|--reason|--drives|--capacity|--failed|--window|--age|--afr|--mttf|--mttr|--weibull-shape|--weibull-scale|--multiplier|--spans|--copies|--timeout|--device-type|-d)
            return ;;
    esac
    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --root|--proc|--etc|--state-dir) ((i++)) ;;
            -*) ;;
            *) cmd=${words[i]}; break ;;
        esac
    done
    local opts
    case $cmd in
        "") COMPREPLY=($(compgen -W "$commands $globals" -- "$cur")); return ;;
        status) opts="--no-probe --no-mdstat" ;;
        safe-to-remove|plan|smart|hotswap) ;;
        locate) opts="--pattern --for --force on off" ;;
        identify) opts="--for on off" ;;
        leds) opts="--expire" ;;
        decode) opts="--format -f --list-formats" ;;
        events) opts="--since --socket" ;;
        watch) opts="--socket" ;;
        predict) opts="--level --drives --capacity --failed --window --age --afr --mttf --weibull-shape --weibull-scale --mttr --multiplier --smart --spans --copies --layout" ;;
    esac
    case $cmd in
        plan) opts="--assume-failed" ;;
        smart) opts="--via --device-type -d --timeout" ;;
        hotswap) opts="--list --confirm --cancel --reason --svg --no-follow --socket" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"))
    elif [[ $cmd == decode ]]; then
        _filedir
    elif [[ $cmd == plan && $prev == plan ]]; then
        COMPREPLY=($(compgen -W "$(cd /sys/block 2>/dev/null && ls -d md* 2>/dev/null)" -- "$cur"))
    elif [[ $cmd =~ ^(safe-to-remove|smart|hotswap|locate)$ && $prev == "$cmd" ]] || [[ $prev == --assume-failed ]]; then
        COMPREPLY=($(compgen -W "$(_raidmon_drives)" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    fi
} && complete -F _raidmon raidmon
