#!/usr/bin/env bash
# Applies .clang-format to every C/C++ source of the project (seed module sources in corpus/modules
# follow the kernel's style and the generated reproducers in fuzz/findings are data: both are left
# alone). Usage: scripts/format.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.c' | grep -v '^corpus/modules/\|^fuzz/findings/')
if [ "${1:-}" = "--check" ]; then
  exec clang-format --dry-run --Werror "${files[@]}"
fi
clang-format -i "${files[@]}"
