#!/usr/bin/env python3
"""Sums the guest-side time split of a run's cases from its raw results channels.

Every result frame the executor sends carries where the case's guest time went: prepare_ns
(taint and kernel-log reads before the child), child_ns (the child: privileges, input, the call),
ns (the call itself, inside child_ns), unload_ns, observe_ns (taint and kernel log after),
start_frame_ns (sending the start frame) and between_ns (from sending the previous result to this
start: the result frame, the taint check, the next case line).

Usage: scripts/case-time-split.py RUN_DIR...   (a run's --out, or a conform group's directory)
Prints one table over every results-N.bin found below the directories.
"""

import glob
import os
import sys

KEYS = ["prepare_ns", "child_ns", "ns", "unload_ns", "observe_ns", "start_frame_ns", "between_ns"]


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) > 1 else 2
    totals = {k: 0 for k in KEYS}
    cases = 0
    for d in sys.argv[1:]:
        for f in sorted(glob.glob(os.path.join(d, "**", "results-*.bin"), recursive=True)):
            if f.endswith("results-snapshot.bin"):
                continue
            for line in open(f, "rb").read().decode("latin-1").splitlines():
                at = line.find("type=result ")
                if at < 0:
                    continue
                kv = dict(w.split("=", 1) for w in line[at:].split() if "=" in w)
                cases += 1
                for k in KEYS:
                    try:
                        totals[k] += int(kv.get(k, "0"))
                    except ValueError:
                        pass
    if not cases:
        print("no result frames found", file=sys.stderr)
        return 1
    print(f"{cases} case results")
    print(f"{'part':<16} {'total s':>9} {'per case ms':>12}")
    for k in KEYS:
        label = "  the call" if k == "ns" else k.replace("_ns", "")
        print(f"{label:<16} {totals[k] / 1e9:>9.2f} {totals[k] / 1e6 / cases:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
