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
# libFuzzer smoke (label fuzz): the host fuzz targets need clang, so they get their own build dir.
if [[ "fuzz" =~ $LABELS ]]; then
  FUZZ_DIR=${MH_FUZZ_BUILD_DIR:-build-fuzz}
  [ -f "$FUZZ_DIR/CMakeCache.txt" ] || cmake -S . -B "$FUZZ_DIR" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DMH_FUZZ=ON -DMH_BENCH=OFF >/dev/null
  cmake --build "$FUZZ_DIR" -j"$(nproc)" --target elf_reader_fuzz elf_roundtrip_fuzz \
    parser_cases_fuzz parser_contract_fuzz parser_profile_fuzz parser_console_fuzz parser_results_fuzz parser_run_fuzz \
    >"$FUZZ_DIR/build.log" 2>&1 || { tail -n 40 "$FUZZ_DIR/build.log"; exit 1; }
  ctest --test-dir "$FUZZ_DIR" -L fuzz --output-on-failure -j2
fi
ctest --test-dir "$BUILD_DIR" -L "$LABELS" --output-on-failure -j2 --timeout 1800
# The unit tests once more with AddressSanitizer + UndefinedBehaviorSanitizer on all host code
# (MH_SANITIZE), so a memory error in our own parsers fails CI. No guest fuzzers or benchmarks
# there: the unit tests do not need them.
if [[ "unit" =~ $LABELS ]]; then
  SAN_DIR=${MH_SAN_BUILD_DIR:-build-asan}
  [ -f "$SAN_DIR/CMakeCache.txt" ] || cmake -S . -B "$SAN_DIR" -DCMAKE_BUILD_TYPE=Debug -DMH_SANITIZE=ON \
    -DMH_BENCH=OFF -DMH_GUEST_FUZZERS=OFF >/dev/null
  cmake --build "$SAN_DIR" -j"$(nproc)" >"$SAN_DIR/build.log" 2>&1 || { tail -n 40 "$SAN_DIR/build.log"; exit 1; }
  ctest --test-dir "$SAN_DIR" -L unit --output-on-failure -j2 --timeout 600
fi
