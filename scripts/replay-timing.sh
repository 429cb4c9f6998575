#!/usr/bin/env bash
# Replay VMs booted vs restored: `modharness repro --runs N --no-minimize` of the oops seed
# module (its init dereferences NULL, so every replay VM crashes and is replaced) on each kernel,
# with --reset boot, then with the snapshot reset and an empty snapshot cache, then again with the
# cache the second run filled. Prints one table row per kernel (wall seconds of the replays as
# repro reports them). Usage: scripts/replay-timing.sh [RUNS] [KERNEL...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mh=${MH:-$here/build/harness/cli/modharness}
runs=${1:-10}
shift || true
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(debian-6.1-cloud debian-6.12-cloud fuzz-6.12)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# "13.5 s (10 restored)" from repro's "replay VMs: 10 in 13.5 s, 10 restored from ..., 0 booted".
seconds() { sed -n 's/^replay VMs: [0-9]* in \([0-9.]*\) s, \([0-9]*\) restored.*/\1 s (\2 restored)/p' "$1"; }
echo "| kernel | $runs crashing replays, --reset boot | snapshot, empty cache | snapshot, filled cache |"
echo "|---|---|---|---|"
for k in "${kernels[@]}"; do
    ko=$("$mh" seeds --kernel "$k" oops | awk '$1 == "oops" {print $2}')
    [ -n "$ko" ] || { echo "| $k | no oops seed module | | |"; continue; }
    cache="$work/cache-$k"
    "$mh" repro --kernel "$k" --runs "$runs" --no-minimize --reset boot "$ko" >"$work/boot" 2>&1 || true
    "$mh" repro --kernel "$k" --runs "$runs" --no-minimize --snapshot-cache "$cache" "$ko" >"$work/empty" 2>&1 || true
    "$mh" repro --kernel "$k" --runs "$runs" --no-minimize --snapshot-cache "$cache" "$ko" >"$work/filled" 2>&1 || true
    for f in boot empty filled; do grep -q "^REPRODUCED" "$work/$f" || { echo "$k ($f) did not reproduce:" >&2; cat "$work/$f" >&2; }; done
    echo "| $k | $(seconds "$work/boot") | $(seconds "$work/empty") | $(seconds "$work/filled") |"
    grep -h "given up\|restore failed" "$work/empty" "$work/filled" >&2 || true
done
