#!/usr/bin/env python3
"""Lists, per kind of deviation, every case of the committed conformance baselines that shows it.

docs/conformance-findings.md is written from this list, so that each of its sections names every
case of its kind rather than an example. Run it after the baselines are re-recorded and compare:

    scripts/deviation-survey.py [BASELINES_DIR]      (default: conformance/baselines)

Standard library only; reads every <kernel>/conformance.json below BASELINES_DIR.
"""
import glob
import json
import os
import re
import sys

LOADED = {"ENOTRECOVERABLE", "0"}  # the sentinel's init ran (every loader check passed), or success
SYMBOL_LOG_CLASSES = {"unknown-symbol", "symbol-crc", "symbol-no-version", "common-symbol", "symbol-bad-shndx"}


def load(root):
    runs = {}
    for path in sorted(glob.glob(os.path.join(root, "*", "conformance.json"))):
        with open(path, encoding="utf-8") as f:
            runs[os.path.basename(os.path.dirname(path))] = json.load(f)
    if not runs:
        sys.exit(f"no <kernel>/conformance.json under {root}")
    return runs


def outcome(c):
    """errno (or '-'), with the verdict when not PASS, the log class and the callers."""
    s = c.get("errno") or "-"
    if c.get("verdict") != "PASS":
        s += f" {c.get('verdict')}"
    if c.get("log_class"):
        s += f" [{c['log_class']}]"
    if c.get("callers"):
        s += " callers=" + ",".join(c["callers"])
    return s


def faults(inp):
    """The faults an input carries besides the image (order-of-checks cases carry two or more)."""
    f = []
    if inp.get("priv") in ("nocap", "userns"):
        f.append("priv=" + inp["priv"])
    if inp.get("call") == "finit" and inp.get("fd") not in (None, "file", "memfd"):
        f.append("fd=" + str(inp["fd"]))
    flags = inp.get("flags", 0)
    if isinstance(flags, int) and flags & ~0x7:
        f.append(f"flags={flags:#x}")
    if inp.get("buf") not in (None, "image"):
        f.append("buf=" + str(inp["buf"]))
    if isinstance(inp.get("len"), int) and inp["len"] < 64:
        f.append(f"len={inp['len']}")
    if inp.get("params_ptr") not in (None, "string"):
        f.append("params_ptr=" + str(inp["params_ptr"]))
    if inp.get("malform"):
        f.append("malform=" + ",".join(inp["malform"]))
    return f


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "conformance", "baselines")
    runs = load(root)
    names = list(runs)
    by_id = {k: {(c["group"], c["id"]): c for c in r["cases"]} for k, r in runs.items()}
    keys = list(by_id[names[0]])
    for k in names[1:]:
        keys += [x for x in by_id[k] if x not in by_id[names[0]]]

    def row(key):
        cells = []
        for k in names:
            c = by_id[k].get(key)
            cells.append(f"{k}: {outcome(c) if c else 'absent'}")
        return " | ".join(cells)

    def section(title, pred, extra=None):
        hits = [key for key in keys if any(pred(by_id[k][key]) for k in names if key in by_id[k])]
        print(f"\n## {title} ({len(hits)} cases)")
        for key in hits:
            c = next(by_id[k][key] for k in names if key in by_id[k])
            note = f"  {extra(c)}" if extra else ""
            print(f"  {key[0]}/{key[1]:46} {c.get('class', '?'):4} {row(key)}{note}")

    print("baselines: " + ", ".join(f"{k} ({r['kernel'].get('release')}, started {r.get('started_utc')}, "
                                     f"man page {(r.get('man_page') or {}).get('name', '-')})" for k, r in runs.items()))
    outcomes = sorted({c.get("followed") for r in runs.values() for c in r["cases"]} - {None})
    print("man-page outcomes present: " + ", ".join(outcomes))

    for o in outcomes:
        if o in ("both",):
            continue
        section(f"followed = {o}", lambda c, o=o: c.get("followed") == o,
                lambda c: f"man={'|'.join(c.get('man_expect', [])) or 'silent'} ({c.get('man_source', '')})")
    section("man page silent (man_expect empty) but a result was recorded",
            lambda c: not c.get("man_expect") and c.get("errno"))
    section("a malformed image loads (sentinel or 0)",
            lambda c: bool(c.get("input", {}).get("malform")) and (c.get("errno") in LOADED))

    # The same bytes through both syscalls: mal-X-init against mal-X-finit.
    print("\n## the same image through init_module and finit_module gives a different errno or log class")
    n = 0
    for k in names:
        for (g, i), c in by_id[k].items():
            if not i.endswith("-init") or not i.startswith("mal-"):
                continue
            other = by_id[k].get((g, i[: -len("-init")] + "-finit"))
            if not other:
                continue
            if (c.get("errno"), c.get("log_class")) != (other.get("errno"), other.get("log_class")):
                n += 1
                print(f"  {k}: {i[:-5]:44} init {outcome(c):30} [{c.get('class')}]  finit {outcome(other)} [{other.get('class')}]")
    print(f"  ({n} pairs)")

    section("EEXIST from any caller", lambda c: "EEXIST" in (c.get("errno") or "").split(",") or "EEXIST" in c.get("callers", []),
            lambda c: f"call={c['input'].get('call')} race={c['input'].get('race', '-')}")
    section("two or more faults in one input (order of checks)", lambda c: len(faults(c.get("input", {}))) >= 2,
            lambda c: "faults: " + "; ".join(faults(c["input"])))
    section("cases of the sig_enforce group", lambda c: c.get("group") == "sig_enforce")
    section("symbol resolution and version checks (log class)", lambda c: c.get("log_class") in SYMBOL_LOG_CLASSES,
            lambda c: "kmsg: " + " / ".join(l for l in c.get("kmsg", []) if "taints kernel" not in l and "verification failed" not in l)[:120])
    section("signature trailer (class S*, a sig-* malformation or a sig-* log class)",
            lambda c: c.get("class", "").startswith("S") or any(m.startswith("sig-") for m in c.get("input", {}).get("malform", []))
            or c.get("log_class", "").startswith("sig-") or c.get("errno") == "EBADMSG")
    section("trailing bytes after the image (B6, trailing-*)",
            lambda c: c.get("class") == "B6" or any("trailing" in m for m in c.get("input", {}).get("malform", [])))
    section("a stack dump or warning in the kernel log of a case that is not KERNEL",
            lambda c: c.get("verdict") != "KERNEL" and any(re.search(r"Call Trace|dump_stack|WARNING|cut here", l) for l in c.get("kmsg", [])),
            lambda c: "first: " + next((l for l in c.get("kmsg", []) if not re.search(r"taints kernel|verification failed", l)), "")[:100])
    section("verdict KERNEL", lambda c: c.get("verdict") == "KERNEL", lambda c: f"title: {c.get('title', '')}")
    section("CONF, BROK, FAIL", lambda c: c.get("verdict") in ("CONF", "BROK", "FAIL"), lambda c: c.get("reason", "")[:100])
    if len(names) >= 2:
        a, b = names[0], names[1]
        section(f"errno or verdict differs between {a} and {b}",
                lambda c: (c["group"], c["id"]) in by_id[a] and (c["group"], c["id"]) in by_id[b]
                and any(by_id[a][(c["group"], c["id"])].get(f) != by_id[b][(c["group"], c["id"])].get(f) for f in ("errno", "verdict")))
    for k, r in runs.items():
        ev = r.get("events", [])
        print(f"\n## kernel reports between cases on {k}: {len(ev)}")
        for e in ev:
            print(f"  after {e.get('after_id')}: {e.get('title')}")


if __name__ == "__main__":
    main()
