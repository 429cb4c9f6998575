#!/usr/bin/env bash
# Side-by-side fuzzing comparison on one kernel: the four engines run at the same time, with the
# same VM settings, seeds and wall time, one VM each; then a table of loader coverage at fixed
# checkpoints, exec rates, restart losses, ELF-check pass rates and crash titles, and an SVG of
# the coverage curves.
# Usage: scripts/fuzz-compare.sh [DURATION (default 30m)] [OUT (default /tmp/mh-fuzz-compare)] [REPORT.md]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30m}
OUT=${2:-/tmp/mh-fuzz-compare}
REPORT=${3:-docs/fuzz-comparison.md}
B=${MH_BUILD_DIR:-build}
MH="$B/harness/cli/modharness"
KERNEL=${MH_FUZZ_KERNEL:-fuzz-6.12}
ENGINES=${MH_ENGINES:-"libfuzzer aflpp libfuzzer-bytes random"}
mkdir -p "$OUT"
pids=()
for e in $ENGINES; do
  "$MH" fuzz --kernel "$KERNEL" --engine "$e" --duration "$DURATION" --out "$OUT/$e" --rng-seed 1 >"$OUT/$e.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
python3 - "$OUT" "$REPORT" "$DURATION" "$KERNEL" $ENGINES <<'PY'
import json, sys, os, datetime
out, report, duration, kernel, engines = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
label = {"libfuzzer": "(a) libFuzzer, structure-aware", "aflpp": "(b) AFL++, structure-aware",
         "libfuzzer-bytes": "(c) libFuzzer, byte mutation", "random": "(d) random ET_EXEC-style images"}
cps = [60, 300, 600, 1800]
rows, curves, titles = [], {}, {}
ceiling = 0
for e in engines:
    p = os.path.join(out, e, "summary.json")
    if not os.path.exists(p):
        rows.append((e, None)); continue
    s = json.load(open(p))
    ceiling = max(ceiling, s.get("loader_sites_total", 0))
    pts = []
    for line in open(os.path.join(out, e, "coverage.jsonl")):
        try: pts.append(json.loads(line))
        except ValueError: pass
    curves[e] = pts
    titles[e] = s.get("crash_titles", [])
    rows.append((e, s))
def at(pts, t):
    best = None
    for p in pts:
        if p["t"] <= t + 2.5: best = p
    if not pts or pts[-1]["t"] < t - 2.5: return None
    return best
lines = [f"# Fuzzing engines side by side on {kernel}", "",
         f"Produced by `scripts/fuzz-compare.sh {duration}` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC: the engines ran at",
         "the same time on this 2-core machine under TCG, one VM each (1 vCPU, 1 GiB), same seeds",
         "(the default set: ok, params, sentinel, consumer, provider; (a) and (b) also run their dictionary stage, docs/fuzzing.md; the random baseline gets none, as a syscall fuzzer has none; every VM keeps the environment module mh_provider loaded), same wall time. Loader sites: KCOV sites of kernel/module/*.c in the",
         f"fuzz kernel's vmlinux (ceiling {ceiling}; see docs/coverage.md). Exec rates are per VM-second",
         "the engine ran; restarts are VM boots and shutdowns after crashes.", "",
         "| engine | " + " | ".join(f"loader @ {c//60} min" for c in cps) + " | execs | exec/s per VM | VMs | time lost to restarts | past ELF checks | crash titles |",
         "|---|" + "---|" * (len(cps) + 6)]
for e, s in rows:
    if s is None:
        lines.append(f"| {label.get(e, e)} | " + " | ".join("—" for _ in cps) + " | no summary (see log) | | | | | |"); continue
    cells = []
    for c in cps:
        p = at(curves[e], c)
        cells.append("—" if p is None else f"{p['loader']} ({100.0*p['loader']/max(1,ceiling):.1f}%)")
    lost = s.get("restart_vm_s", 0); tot = lost + s.get("engine_vm_s", 0)
    lines.append(f"| {label.get(e, e)} | " + " | ".join(cells) +
                 f" | {s['execs']} | {s.get('execs_per_vm_s', 0):.0f} | {s['vms']} | {lost:.0f} s of {tot:.0f} s ({100*lost/max(1,tot):.0f}%) | "
                 f"{100*s.get('past_elf_checks_share', 0):.0f}% | {len(s.get('crash_titles', []))} |")
lines += ["", "'past ELF checks': share of calls not rejected with ENOEXEC (the ELF validity checks' errno).", ""]
lines += ["## Crash titles", ""]
for e in engines:
    lines.append(f"- {label.get(e, e)}: " + ("; ".join(titles.get(e, [])) or "none"))
# SVG: loader sites over time.
W, H, L, B_ = 720, 360, 60, 40
tmax = max([p["t"] for pts in curves.values() for p in pts] + [60])
ymax = max(ceiling, 1)
colors = {"libfuzzer": "#1f77b4", "aflpp": "#2ca02c", "libfuzzer-bytes": "#ff7f0e", "random": "#d62728"}
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<line x1="{L}" y1="{H-B_}" x2="{W-10}" y2="{H-B_}" stroke="black"/><line x1="{L}" y1="10" x2="{L}" y2="{H-B_}" stroke="black"/>']
for frac in (0.25, 0.5, 0.75, 0.85, 1.0):
    y = H - B_ - frac * (H - B_ - 10)
    svg.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W-10}" y2="{y:.1f}" stroke="#ddd"/><text x="5" y="{y+4:.1f}">{int(frac*100)}%</text>')
for c in cps:
    if c <= tmax:
        x = L + c / tmax * (W - L - 10)
        svg.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{H-B_}" stroke="#eee"/><text x="{x-12:.1f}" y="{H-B_+15}">{c//60} min</text>')
for i, (e, pts) in enumerate(curves.items()):
    path = " ".join(f"{L + p['t']/tmax*(W-L-10):.1f},{H-B_-p['loader']/ymax*(H-B_-10):.1f}" for p in pts)
    svg.append(f'<polyline fill="none" stroke="{colors.get(e, "black")}" stroke-width="2" points="{path}"/>')
    svg.append(f'<text x="{W-220}" y="{H-B_-20-16*i}" fill="{colors.get(e, "black")}">{label.get(e, e)}</text>')
svg.append(f'<text x="{L}" y="{H-8}">minutes; y: loader KCOV sites reached (share of {ceiling})</text></svg>')
svg_path = os.path.splitext(report)[0] + ".svg"
open(svg_path, "w").write("\n".join(svg) + "\n")
lines += ["", f"![loader coverage over time]({os.path.basename(svg_path)})", ""]
open(report, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
