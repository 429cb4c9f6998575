# bash completion for modharness: subcommands, each command's options, kernel names (the aliases
# and what the kernel cache holds), malformation ids, kernel subcommands. Everything is asked from
# modharness itself (its --help tables, `kernel list`, `malformations`), so it cannot drift.

_modharness_commands() {
    "$1" --help 2>/dev/null | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 } f && /^$/ { f = 0 }'
}

_modharness_kernels() {
    # The aliases listed by `kernel --help` and every cached kernel's name, once each.
    {
        "$1" kernel --help 2>/dev/null | awk '/^NAME is one of:/ { f = 1; next } f && /^  debian-/ { print $1 } f && /^$/ { f = 0 }'
        "$1" kernel list 2>/dev/null | awk 'NR > 1 && $1 != "" { print $1 }'
    } | sort -u
}

_modharness() {
    local cur prev words cword
    _init_completion -s || return
    local mh=${words[0]} cmd=${words[1]:-}

    if ((cword == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "$(_modharness_commands "$mh") --help --version" -- "$cur")
        return
    fi
    case $prev in
        --kernel | --compare | --kernels | -k)
            mapfile -t COMPREPLY < <(compgen -W "$(_modharness_kernels "$mh")" -- "$cur")
            compopt -o filenames 2>/dev/null
            [[ $cur == */* || $cur == .* ]] && _filedir
            return
            ;;
        --malform)
            local pre=""  # IDS is comma-separated: complete the last one
            [[ $cur == *,* ]] && pre=${cur%,*},
            mapfile -t COMPREPLY < <(compgen -P "$pre" -W "$("$mh" malformations 2>/dev/null | awk '{ print $1 }')" -- "${cur##*,}")
            return
            ;;
        --engine)
            mapfile -t COMPREPLY < <(compgen -W "libfuzzer libfuzzer-bytes aflpp random" -- "$cur")
            return
            ;;
        --out | --json | --html | --junit | --kcidb | --seed | --build-tree | -o)
            _filedir
            return
            ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$("$mh" "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)" -- "$cur")
        return
    fi
    if [[ $cmd == kernel ]] && ((cword == 2)); then
        mapfile -t COMPREPLY < <(compgen -W "fetch list path info build-fuzz" -- "$cur")
        return
    fi
    if [[ $cmd == kernel && ${words[2]} =~ ^(fetch|path|info)$ ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_modharness_kernels "$mh")" -- "$cur")
        return
    fi
    _filedir
}
complete -F _modharness modharness
