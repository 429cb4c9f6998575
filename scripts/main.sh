#!/usr/bin/env bash
# The main job (README): set up, then run the default case list on the default kernel (Debian 6.1 cloud).
# Usage: scripts/main.sh [modharness run options...]   e.g. scripts/main.sh --kernel debian-6.12-cloud
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec "${MH_BUILD_DIR:-build}/harness/cli/modharness" run "$@" corpus/cases/slice.cases
