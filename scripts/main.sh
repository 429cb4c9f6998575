#!/usr/bin/env bash
# The main job (README): set up, then run the conformance suite on the default kernel (Debian 6.1 cloud),
# gated on its committed baseline (conformance/baselines/<kernel>: exit 0 when nothing changed),
# and print its summary. Usage: scripts/main.sh [modharness conform options...]
#   e.g. scripts/main.sh --kernel debian-6.1-cloud --kernel debian-6.12-cloud   (both, and their diff)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec "${MH_BUILD_DIR:-build}/harness/cli/modharness" conform --quiet --baseline auto "$@"
