#!/usr/bin/env bash
# The test command (README, .ci/run): set up, fetch the two default kernels, run unit + VM tests.
# Usage: scripts/test.sh [ctest -L regex]   (default: all labels: unit, vm, fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${MH_BUILD_DIR:-build}
MH="$BUILD_DIR/harness/cli/modharness"
# Kernels for the VM tests (cached after the first time; a few seconds when cached).
"$MH" kernel fetch debian-6.1-cloud >/dev/null
"$MH" kernel fetch debian-6.12-cloud >/dev/null
# Every module of both cloud kernels parses and round-trips byte-identically (ELF model, issue 3).
for k in debian-6.1-cloud debian-6.12-cloud; do
  "$MH" check-package "$("$MH" kernel info "$k" | sed -n 's/^modules dir: *//p')" | tail -n 3
done
LABELS=${1:-unit|vm|fuzz}
cd "$BUILD_DIR"
ctest -L "$LABELS" --output-on-failure -j2 --timeout 1800
