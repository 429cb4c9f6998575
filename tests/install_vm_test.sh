#!/usr/bin/env bash
# An installed modharness runs from anywhere: install this build into a temporary prefix, hide the
# source and build trees (an empty tmpfs over each, in a private mount namespace), and from an
# unrelated directory run `conform --only E1,F1` and a 1-minute black-box `fuzz` on
# debian-6.1-cloud. Usage: install_vm_test.sh SOURCE_DIR BUILD_DIR. Exit 77 (CTest: skipped)
# without root and unshare(1) (the mount namespace) or without a cached debian-6.1-cloud kernel.
set -euo pipefail
SRC=$(realpath "$1") BUILD=$(realpath "$2")
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
  echo "skipped: needs root and unshare(1) to hide the source and build trees" >&2
  exit 77
fi
tmp=$(mktemp -d /tmp/mh-install-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$BUILD" --prefix "$tmp/prefix" --strip >"$tmp/install.log"
MH=$tmp/prefix/bin/modharness
# Data read from beside the seed sources: build-fuzz's fragment of every line.
for line in 6.1 6.12; do
  if [ ! -s "$tmp/prefix/share/modharness/corpus/kernel/fuzz-$line.config" ]; then
    echo "FAIL: corpus/kernel/fuzz-$line.config is not installed" >&2
    exit 1
  fi
done
if ! "$MH" kernel list | awk '{ print $1 }' | grep -qx debian-6.1-cloud; then
  echo "skipped: debian-6.1-cloud is not cached (modharness kernel fetch debian-6.1-cloud)" >&2
  exit 77
fi
mkdir "$tmp/elsewhere"
# No override may point back into the trees: the installation alone must be enough.
unset MH_EXECUTOR MH_GUEST_FUZZ_DIR MH_GUEST_BENCH MH_CORPUS_DIR MH_PROFILES_DIR MH_CONFORMANCE_DIR MH_SOURCE_DIR MH_BUILD_DIR
export SRC BUILD MH tmp
cd "$tmp/elsewhere"
unshare --mount --propagation private bash -euo pipefail -c '
  mount -t tmpfs -o size=1m,mode=0755 mh-hidden "$SRC"
  case "$BUILD" in "$SRC"/*) ;; *) mount -t tmpfs -o size=1m,mode=0755 mh-hidden "$BUILD" ;; esac
  if [ -n "$(ls -A "$SRC")" ] || [ -e "$BUILD/harness" ]; then echo "FAIL: the trees are still visible" >&2; exit 1; fi

  "$MH" --version --verbose | tee versions.txt
  installed=$(grep -c " (install)$" versions.txt || true)
  if [ "$installed" -ne 6 ]; then echo "FAIL: $installed of 6 artefacts resolved from the installation" >&2; exit 1; fi
  if grep -q missing versions.txt; then echo "FAIL: an installed artefact is missing" >&2; exit 1; fi

  "$MH" conform --kernel debian-6.1-cloud --only E1,F1 --out conf >conform.txt 2>&1 || { tail -n 30 conform.txt; echo "FAIL: conform exit $?" >&2; exit 1; }
  python3 -c "
import json, sys
c = json.load(open(\"conf/conformance.json\"))
assert len(c[\"cases\"]) >= 10 and c[\"summary\"] == {\"PASS\": len(c[\"cases\"])}, c[\"summary\"]
print(len(c[\"cases\"]), \"cases judged, all PASS\")
" || { echo "FAIL: conf/conformance.json" >&2; exit 1; }

  rc=0
  "$MH" fuzz --kernel debian-6.1-cloud --duration 1m --out fz >fuzz.txt 2>&1 || rc=$?
  tail -n 12 fuzz.txt
  if [ "$rc" -gt 1 ]; then echo "FAIL: fuzz exit $rc" >&2; exit 1; fi
  python3 -c "
import json
c = json.load(open(\"fz/campaign.json\"))
assert c[\"execs\"] > 0 and c[\"final\"], c
print(\"fuzz:\", c[\"execs\"], \"execs in\", c[\"vms\"], \"VMs\")
" || { echo "FAIL: fz/campaign.json holds no executions" >&2; exit 1; }
  echo "installed modharness ran from $PWD with the source and build trees hidden"
'
