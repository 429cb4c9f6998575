#!/usr/bin/env bash
# Runs case files as a LAVA job on this host with Debian's lava-dispatcher (lava-run: no server,
# files by local path, LAVA's qemu device type under TCG), judges the job's log with
# `modharness lava-results`, runs the same cases with `modharness run`, and compares the two
# case for case (verdict and errno). Installs lava-dispatcher when missing (apt-get, as root).
#
# usage: scripts/lava-local.sh [CASEFILE...]     (default corpus/cases/lava20.cases)
# env:   KERNEL (default debian-6.1-cloud), OUT (default mh-results/lava-<UTC time>),
#        MH (default build/harness/cli/modharness)
# exit:  0 the job ran and every case matches the direct run; 1 a mismatch; other: a step failed.
set -euo pipefail
cd "$(dirname "$0")/.."
MH=${MH:-build/harness/cli/modharness}
KERNEL=${KERNEL:-debian-6.1-cloud}
OUT=${OUT:-mh-results/lava-$(date -u +%Y%m%d-%H%M%S)}
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(corpus/cases/lava20.cases)

if ! command -v lava-run >/dev/null; then
  echo "lava-local: installing lava-dispatcher (Debian's, no server)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends lava-dispatcher >&2
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# The job: TCG (this host's KVM does not boot stock kernels), this host's TSC rate for the guest.
"$MH" lava-job --kernel "$KERNEL" --out "$OUT/job" --no-kvm --tsc-khz host "${CASES[@]}"

# LAVA's own schema check of the job definition.
/usr/bin/python3 - "$OUT/job/job.yaml" <<'PY'
import sys, yaml
from lava_common.schemas import validate
validate(yaml.safe_load(open(sys.argv[1])), strict=True)
print("lava-local: job.yaml passes lava_common.schemas.validate (strict)")
PY

start=$(date +%s)
set +e
lava-run --job-id 1 --output-dir "$OUT/lava-run" --device "$OUT/job/device.yaml" "$OUT/job/job.yaml" 2> "$OUT/output.yaml"
lava_rc=$?
set -e
echo "lava-local: lava-run exit $lava_rc after $(( $(date +%s) - start )) s; log $OUT/output.yaml" >&2
grep -o '"lvl": "results", "msg": {[^}]*"definition": "lava", "result": "[a-z]*"' "$OUT/output.yaml" | tail -1 >&2 || true

set +e
"$MH" lava-results --out "$OUT/lava-results" "$OUT/job" "$OUT/output.yaml"
"$MH" run --kernel "$KERNEL" --reset boot --quiet --out "$OUT/run" "${CASES[@]}" > "$OUT/run.txt"
set -e

python3 - "$OUT/lava-results/cases/results.jsonl" "$OUT/run/results.jsonl" "$OUT/compare.txt" <<'PY'
import json, sys
def load(p):
    out = {}
    for line in open(p):
        r = json.loads(line)
        if r.get("id"):
            out[r["id"]] = (r.get("verdict"), r.get("errno"), r.get("ret"))
    return out
lava, run = load(sys.argv[1]), load(sys.argv[2])
rows, same = [], 0
for cid in run:
    a, b = lava.get(cid), run[cid]
    ok = a is not None and a[:2] == b[:2]
    same += ok
    rows.append(f"{cid:22} lava {str(a[0] if a else '-'):7} {str(a[1] if a else '-'):8} run {b[0]:7} {str(b[1]):8} {'same' if ok else 'DIFFERENT'}")
text = "\n".join(rows) + f"\n{same} of {len(run)} cases: same verdict and errno in the LAVA job and in modharness run\n"
open(sys.argv[3], "w").write(text)
print(text, end="")
sys.exit(0 if same == len(run) and len(lava) == len(run) else 1)
PY
