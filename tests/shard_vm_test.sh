#!/usr/bin/env bash
# A sharded conformance run, merged, equals the unsharded run case for case: on debian-6.1-cloud,
# E1 and F1 plus four malformations that oops 6.1 (each a reboot), run whole and as 3 shards
# (shard 2 through GoogleTest's GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS), then merge-runs. Also:
# merge-runs refuses a set with a shard missing; `run --shard` over corpus/cases/slice.cases in 2
# shards merges into the unsharded run's results.jsonl. Usage: shard_vm_test.sh BUILD_DIR SOURCE_DIR.
# Exit 77 (CTest: skipped) without a cached debian-6.1-cloud kernel.
set -euo pipefail
MH=$(realpath "$1")/harness/cli/modharness
SLICE=$(realpath "$2")/corpus/cases/slice.cases
if ! "$MH" kernel list | awk '{ print $1 }' | grep -qx debian-6.1-cloud; then
  echo "skipped: debian-6.1-cloud is not cached (modharness kernel fetch debian-6.1-cloud)" >&2
  exit 77
fi
tmp=$(mktemp -d /tmp/mh-shard-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
only=E1,F1,mal-this-module-nobits,mal-nobits-size-wrap32
conform() { "$MH" conform --kernel debian-6.1-cloud --only "$only" --no-fetch --quiet "$@" >/dev/null || [ $? -eq 1 ]; }
conform --out full
conform --out s1 --shard 1/3
GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=1 conform --out s2
conform --out s3 --shard 3/3
status=0
"$MH" merge-runs missing s1 s3 2>missing.err || status=$?
if [ "$status" -ne 2 ] || ! grep -q "shard 2/3 is missing" missing.err; then
  echo "FAIL: merge-runs with shard 2 missing: exit $status, $(cat missing.err)" >&2
  exit 1
fi
"$MH" merge-runs merged s3 s1 s2 >merge.log || [ $? -eq 1 ]
python3 - <<'PY'
import json, sys
full = json.load(open("full/conformance.json"))
merged = json.load(open("merged/conformance.json"))
shards = [json.load(open(f"s{i}/conformance.json"))["shard"] for i in (1, 2, 3)]
assert [s["index"] for s in shards] == [1, 2, 3] and all(s["total"] == 3 for s in shards), shards
assert all(s["cases"] > 0 for s in shards), shards
# What a case's outcome is: its input, its result and its judgement (not the VM it ran in).
keys = ["group", "id", "class", "input", "input_hash", "verdict", "errno", "ret", "expect", "followed", "log_class", "log_notes", "taint_added"]
a = [{k: c.get(k) for k in keys} for c in full["cases"]]
b = [{k: c.get(k) for k in keys} for c in merged["cases"]]
kernel = sum(1 for c in a if c["verdict"] == "KERNEL")
if a != b:
    for x, y in zip(a, b):
        if x != y: print("differs:", x, y, file=sys.stderr)
    sys.exit(f"FAIL: merged run differs from the unsharded one ({len(a)} vs {len(b)} cases)")
assert full["summary"] == merged["summary"], (full["summary"], merged["summary"])
assert full["followed_summary"] == merged["followed_summary"]
assert [(g["name"], g["cases"]) for g in full["groups"]] == [(g["name"], g["cases"]) for g in merged["groups"]]
assert kernel >= 2, f"expected the 6.1 oopses among the cases, got {kernel} KERNEL"
print(f"ok: {len(a)} cases ({kernel} KERNEL) in shards of {[s['cases'] for s in shards]}, merged = unsharded")
PY
for f in report.html junit.xml summary.txt; do
  [ -s "merged/$f" ] || { echo "FAIL: merged/$f not written" >&2; exit 1; }
done

# run --shard: the same join for a case file's results.jsonl.
run() { "$MH" run --kernel debian-6.1-cloud --no-fetch --quiet "$@" "$SLICE" >/dev/null || [ $? -eq 1 ]; }
run --out run-full
run --out run-s1 --shard 1/2
run --out run-s2 --shard 2/2
"$MH" merge-runs run-merged run-s2 run-s1 >run-merge.log || [ $? -eq 1 ]
python3 - <<'PY'
import json, sys
def cases(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    return [{k: r.get(k) for k in ("id", "input", "verdict", "errno", "expect", "taint_added")} for r in rows]
full, merged = cases("run-full/results.jsonl"), cases("run-merged/results.jsonl")
halves = [json.load(open(f"run-s{i}/shard.json"))["cases"] for i in (1, 2)]
if full != merged or len(full) < 2 or 0 in halves:
    sys.exit(f"FAIL: run shards {halves} merged ({len(merged)} cases) differ from the unsharded run ({len(full)})")
print(f"ok: run of {len(full)} cases in shards of {halves}, merged = unsharded")
PY
