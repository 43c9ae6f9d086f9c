# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion of raidmond(8) (installed as bash-completion/completions/raidmond).

_raidmond() {
    local cur prev words cword
    _init_completion || return
    case $prev in
        --config|--check-config) _filedir toml; return ;;
        --state-dir|--proc|--etc) _filedir -d; return ;;
    esac
    COMPREPLY=($(compgen -W "--config --check-config --foreground-defaults --state-dir --proc --etc --no-device-io --verbose -v --version --help" -- "$cur"))
} && complete -F _raidmond raidmond
