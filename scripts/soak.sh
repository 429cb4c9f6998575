#!/usr/bin/env bash
# Soak: alternate the conformance suite (Debian 6.1 cloud) and fuzzing campaigns (the KCOV fuzz
# kernel when cached, else black box on Debian 6.12 cloud) until DURATION has passed; sample the
# host memory of every modharness process; at the end count QEMU processes and temp files left
# behind. Writes a report (default docs/soak.md).
# Usage: scripts/soak.sh [DURATION (default 60m)] [OUT (default /tmp/mh-soak)] [REPORT.md]
set -uo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-60m}
OUT=${2:-/tmp/mh-soak}
REPORT=${3:-docs/soak.md}
B=${MH_BUILD_DIR:-build}
MH="$B/harness/cli/modharness"
to_s() { case "$1" in *h) echo $(( ${1%h} * 3600 ));; *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }
TOTAL=$(to_s "$DURATION")
FUZZ_KERNEL=fuzz-6.12
"$MH" kernel info "$FUZZ_KERNEL" >/dev/null 2>&1 || FUZZ_KERNEL=debian-6.12-cloud
rm -rf "$OUT"; mkdir -p "$OUT"
tmp_before=$(ls -d /tmp/modharness-* /tmp/mh-* 2>/dev/null | grep -v "^$OUT" | wc -l)
qemu_before=$(pgrep -c qemu-system || true)
mem_before=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
start=$(date +%s)
echo "iteration,kind,seconds,exit,cases_or_execs,crash_events,vms,rss_start_kb,rss_max_kb,rss_end_kb" > "$OUT/iterations.csv"
# Runs one command, sampling its RSS every 5 s; prints "exit rss_start rss_max rss_end".
run_sampled() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  local pid=$! first=0 max=0 last=0 r
  while kill -0 "$pid" 2>/dev/null; do
    r=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    if [ -n "$r" ] && [ "$r" -gt 0 ]; then [ "$first" -eq 0 ] && first=$r; [ "$r" -gt "$max" ] && max=$r; last=$r; fi
    sleep 5
  done
  wait "$pid"; echo "$? $first $max $last"
}
i=0
while [ $(( $(date +%s) - start )) -lt "$TOTAL" ]; do
  i=$((i + 1))
  t0=$(date +%s)
  read -r rc r0 rmax r1 < <(run_sampled "$OUT/conform-$i.log" "$MH" conform --kernel debian-6.1-cloud --out "$OUT/conform-$i" --quiet)
  cases=$(cat "$OUT/conform-$i"/*/results.jsonl 2>/dev/null | wc -l)
  echo "$i,conform,$(( $(date +%s) - t0 )),$rc,$cases,,,$r0,$rmax,$r1" >> "$OUT/iterations.csv"
  left=$(( TOTAL - ($(date +%s) - start) ))
  [ "$left" -lt 60 ] && break
  fuzz_s=$(( left < 600 ? left : 600 ))
  t0=$(date +%s)
  read -r rc r0 rmax r1 < <(run_sampled "$OUT/fuzz-$i.log" "$MH" fuzz --kernel "$FUZZ_KERNEL" --duration "${fuzz_s}s" --out "$OUT/fuzz" --quiet)
  read -r execs events vms < <(python3 -c "import json; s=json.load(open('$OUT/fuzz/campaign.json')); print(s['execs'], s['crash_events'], s['vms'])" 2>/dev/null || echo "0 0 0")
  echo "$i,fuzz,$(( $(date +%s) - t0 )),$rc,$execs,$events,$vms,$r0,$rmax,$r1" >> "$OUT/iterations.csv"
done
sleep 2
elapsed=$(( $(date +%s) - start ))
qemu_after=$(pgrep -c qemu-system || true)
tmp_after=$(ls -d /tmp/modharness-* /tmp/mh-* 2>/dev/null | grep -v "^$OUT" | wc -l)
mem_after=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
python3 - "$OUT" "$REPORT" "$elapsed" "$qemu_before" "$qemu_after" "$tmp_before" "$tmp_after" "$mem_before" "$mem_after" "$FUZZ_KERNEL" <<'PY'
import csv, sys, datetime
out, report, elapsed, qb, qa, tb, ta, mb, ma, fk = sys.argv[1:]
rows = list(csv.DictReader(open(out + "/iterations.csv")))
conf = [r for r in rows if r["kind"] == "conform"]
fuzz = [r for r in rows if r["kind"] == "fuzz"]
cases = sum(int(r["cases_or_execs"] or 0) for r in conf)
last = fuzz[-1] if fuzz else {}
lines = ["# Soak", "",
         f"Produced by `scripts/soak.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC: {int(elapsed)/60:.0f} minutes alternating the",
         f"conformance suite on debian-6.1-cloud and fuzzing campaigns on {fk} (one campaign directory,",
         "resumed each time), on this 2-core machine under TCG.", "",
         "| figure | value |", "|---|---|",
         f"| wall time | {int(elapsed)} s |",
         f"| conformance runs / cases recorded | {len(conf)} / {cases} |",
         f"| fuzz campaign runs / execs (cumulative) | {len(fuzz)} / {last.get('cases_or_execs', 0)} |",
         f"| crashes handled (events) / VM restarts in fuzzing | {last.get('crash_events', 0)} / {last.get('vms', 0)} |",
         f"| exit codes (conform) | {', '.join(r['exit'] for r in conf)} |",
         f"| exit codes (fuzz) | {', '.join(r['exit'] for r in fuzz)} |",
         f"| QEMU processes before / after | {qb} / {qa} |",
         f"| /tmp/modharness-*, /tmp/mh-* entries before / after | {tb} / {ta} |",
         f"| host MemAvailable before / after | {int(mb)//1024} MiB / {int(ma)//1024} MiB |", "",
         "Host RSS of each modharness process (KiB, sampled every 5 s):", "",
         "| run | kind | seconds | exit | RSS start | RSS max | RSS end |", "|---|---|---|---|---|---|---|"]
for r in rows:
    lines.append(f"| {r['iteration']} | {r['kind']} | {r['seconds']} | {r['exit']} | {r['rss_start_kb']} | {r['rss_max_kb']} | {r['rss_end_kb']} |")
open(report, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
