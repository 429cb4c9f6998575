#!/usr/bin/env bash
# The bash completion against the built binary: subcommands, options from a command's --help,
# kernel aliases, malformation ids (also after a comma), kernel subcommands, engines.
# Usage: completion_test.sh MODHARNESS. Exit 77 (skipped) without bash-completion.
set -uo pipefail
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || { echo "skipped: $BC not installed (apt-get install bash-completion)" >&2; exit 77; }
source "$BC"
source "$(dirname "$0")/modharness.bash"
PATH=$(dirname "$(realpath "$1")"):$PATH
fails=0
expect() {  # expect "WORDS..." "the completions, space-separated"
    local -a words
    read -ra words <<<"$1"
    COMP_WORDS=("${words[@]}")
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$1
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _modharness
    local got="${COMPREPLY[*]}"
    if [ "$got" != "$2" ]; then
        echo "FAIL: '$1' completes to '$got', expected '$2'"
        fails=$((fails + 1))
    else
        echo "ok: '$1' -> '$got'"
    fi
}
expect "modharness co" "conform contract cover"
expect "modharness conform --ke" "--kernel"
expect "modharness conform --kernel debian-6.12-c" "debian-6.12-cloud"
expect "modharness gen --malform ehdr-type-e" "ehdr-type-exec"
expect "modharness gen --malform ehdr-bad-magic,ehdr-type-d" "ehdr-bad-magic,ehdr-type-dyn"
expect "modharness kernel bu" "build-fuzz"
expect "modharness fuzz --engine libfuzzer-b" "libfuzzer-bytes"
exit $((fails > 0))
