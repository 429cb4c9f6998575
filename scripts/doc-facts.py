#!/usr/bin/env python3
"""Figures quoted in README.md and the docs, recomputed from the committed files they come from.

Counts that derive from the recorded conformance runs (conformance/baselines/*/conformance.json,
diff.json), the contract (conformance/contract.txt) or the malformation catalogue (the table in
docs/elf-model.md) are marked where they are quoted, so that they can be checked and rewritten:

    inline:  <!-- fact:NAME -->VALUE<!-- /fact -->          (one line; renders as VALUE)
    block:   <!-- facts:NAME begin -->                       (a generated table, whole lines)
             ...
             <!-- facts:NAME end -->

Usage:
    scripts/doc-facts.py --check [--modharness BIN]   exit 1 listing every stale figure (file:line)
    scripts/doc-facts.py --write [--modharness BIN]   rewrite the marked figures in place
    scripts/doc-facts.py --list                       every fact, its value and where it is quoted
    --root DIR     the source tree (default: the tree this script is in)

With --modharness, the catalogue table of docs/elf-model.md (block `catalogue-table`) is also
compared with (or, with --write, replaced by) `BIN malformations --markdown`; without it that one
block is left as it is. After the baselines are re-recorded, `--write` updates every marked figure.

Fact names (BASELINE is a directory name under conformance/baselines, e.g. debian-6.1-cloud;
`suite` stands for "the same in every baseline", an error when they differ):
    BASELINE.cases .PASS .FAIL .CONF .BROK .KERNEL .RAN   cases and verdict counts
    BASELINE.followed.OUTCOME        cases per man-page outcome (whatever outcomes the run has;
                                     "-" is spelled none)
    BASELINE.kernel_events .late_kernel_events .vms .boot_failures .wall_seconds
    BASELINE.release .version .started (date) .accel .man_page
    BASELINE.class.ID                cases of one contract class
    BASELINE.oops_risk_rows .oops_risk_cases .oops_risk_kernel
                                     catalogue rows tagged oops-risk that the run has cases of,
                                     those cases, and how many of them are KERNEL
    suite.cases  suite.class.ID  suite.oops_risk_rows  suite.oops_risk_cases
    contract.classes  contract.rules
    catalogue.rows  catalogue.oops_risk_rows  catalogue.oops_risk_not_run (ids)
    catalogue.oops_risk_not_run_rows  catalogue.oops_risk_not_run_classes
    diff.changed .same .in_both .only_a .only_b           conformance/baselines/diff.json
    count:BASELINE:GLOB              cases whose id matches the shell pattern GLOB
    case:BASELINE:ID:FIELD           one field of one case record (errno, verdict, log_class, ...)
Blocks: findings-summary, baselines-table, uncovered (the runs' `uncovered` table; left as written
for runs without one), catalogue-table.

Standard library only.
"""
import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys

VERDICTS = ["PASS", "FAIL", "CONF", "BROK", "KERNEL", "RAN"]  # docs/conformance-json.md; others are appended
OUTCOME_ORDER = ["man", "code", "both", "neither", "undocumented", "-"]  # display order; others are appended
OUTCOME_TEXT = {
    "man": "the man page only",
    "code": "the code-derived contract only",
    "both": "both",
    "neither": "neither",
    "undocumented": "nothing: the page is silent about the input",
    "-": "no outcome: no result, or no man-page statement",
}

INLINE = re.compile(r"<!-- fact:(?P<name>[^ >]+) -->(?P<value>.*?)<!-- /fact -->")
INLINE_OPEN = re.compile(r"<!-- fact:")
BLOCK = re.compile(r"^<!-- facts:(?P<name>[^ >]+) (?P<kind>begin|end) -->\s*$")


class FactError(Exception):
    pass


def outcome_key(o):
    return "none" if o == "-" else o


def ordered(keys, preferred):
    keys = set(keys)
    return [k for k in preferred if k in keys] + sorted(keys - set(preferred))


class Tree:
    """The committed files the figures come from, read once."""

    def __init__(self, root):
        self.root = root
        self.problems = []  # files that disagree with each other: reported by --check
        bdir = os.path.join(root, "conformance", "baselines")
        self.baselines = {}
        for name in sorted(os.listdir(bdir)) if os.path.isdir(bdir) else []:
            path = os.path.join(bdir, name, "conformance.json")
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    self.baselines[name] = json.load(f)
        if not self.baselines:
            raise SystemExit(f"doc-facts: no conformance/baselines/*/conformance.json under {root}")
        self.diff = None
        dpath = os.path.join(bdir, "diff.json")
        if os.path.isfile(dpath):
            with open(dpath, encoding="utf-8") as f:
                self.diff = json.load(f)
        self.contract_lines = read_lines(os.path.join(root, "conformance", "contract.txt"))
        self.catalogue = parse_catalogue(read_lines(os.path.join(root, "docs", "elf-model.md")))
        if not self.catalogue:
            self.problems.append("docs/elf-model.md: no catalogue table between '<!-- facts:catalogue-table begin -->' "
                                 "and '<!-- facts:catalogue-table end -->': the catalogue facts cannot be computed")
        self.check_consistency()

    def check_consistency(self):
        for name, run in self.baselines.items():
            counts = verdict_counts(run)
            recorded = {k: v for k, v in (run.get("summary") or {}).items() if v}
            if recorded != {k: v for k, v in counts.items() if v}:
                self.problems.append(f"conformance/baselines/{name}/conformance.json: summary {recorded} "
                                     f"disagrees with its cases {counts}")
            summary_txt = os.path.join(self.root, "conformance", "baselines", name, "summary.txt")
            if os.path.isfile(summary_txt):
                m = re.search(r"^\s*(\d+) cases,", "".join(read_lines(summary_txt)[:3]), re.M)
                if m and int(m.group(1)) != len(run["cases"]):
                    self.problems.append(f"conformance/baselines/{name}/summary.txt: {m.group(1)} cases, "
                                         f"conformance.json has {len(run['cases'])}: regenerate the reports")
        if self.diff:
            for side in ("a", "b"):
                d = self.diff.get(side) or {}
                run = self.baselines.get(d.get("kernel", ""))
                if run and run.get("started_utc") != d.get("started_utc"):
                    self.problems.append(
                        f"conformance/baselines/diff.json: {side} is the run started {d.get('started_utc')}, "
                        f"the baseline {d.get('kernel')} started {run.get('started_utc')}: rerun "
                        f"`modharness diff conformance/baselines/{self.diff['a'].get('kernel')} "
                        f"conformance/baselines/{self.diff['b'].get('kernel')} --json ...`")


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines(keepends=True)


def parse_catalogue(lines):
    """Rows of the catalogue table (`modharness malformations --markdown`) in docs/elf-model.md."""
    rows = {}
    inside = False
    for line in lines:
        m = BLOCK.match(line.strip())
        if m and m.group("name") == "catalogue-table":
            inside = m.group("kind") == "begin"
            continue
        if not inside:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = {"contract": cells[1], "tags": [t.strip() for t in cells[2].split(",") if t.strip()]}
    return rows


def verdict_counts(run):
    counts = {}
    for c in run["cases"]:
        counts[c.get("verdict", "?")] = counts.get(c.get("verdict", "?"), 0) + 1
    return counts


def group_sum(run, key):
    return sum(int(g.get(key) or 0) for g in run.get("groups", []))


def late_events(run):
    if any("late_kernel_events" in g for g in run.get("groups", [])):
        return group_sum(run, "late_kernel_events")
    return sum(1 for e in run.get("events", []) if e.get("late", True))


def fmt_seconds(s):
    return f"{float(s):.1f}"


class Facts:
    def __init__(self, tree):
        self.t = tree
        self.static = {}
        for name, run in tree.baselines.items():
            self.static.update(self.baseline_facts(name, run))
        self.static.update(self.suite_facts())
        classes = [l for l in tree.contract_lines if l.startswith("class ")]
        self.static["contract.classes"] = str(len(classes))
        self.static["contract.rules"] = str(sum(1 for l in tree.contract_lines if l.startswith("rule ")))
        cat = tree.catalogue
        oops = [r for r, v in cat.items() if "oops-risk" in v["tags"]]
        run_rows = set()
        for run in tree.baselines.values():
            run_rows |= malformations_of(run)
        not_run = [r for r in oops if r not in run_rows]
        self.static["catalogue.rows"] = str(len(cat))
        self.static["catalogue.oops_risk_rows"] = str(len(oops))
        self.static["catalogue.oops_risk_not_run_rows"] = str(len(not_run))
        self.static["catalogue.oops_risk_not_run"] = ", ".join(f"`{r}`" for r in not_run) or "none"
        self.static["catalogue.oops_risk_not_run_classes"] = ", ".join(sorted({cat[r]["contract"] for r in not_run})) or "none"
        if tree.diff:
            for k, v in (tree.diff.get("summary") or {}).items():
                self.static[f"diff.{k}"] = str(v)

    def baseline_facts(self, name, run):
        f = {}
        p = name + "."
        f[p + "cases"] = str(len(run["cases"]))
        counts = verdict_counts(run)
        for v in ordered(set(counts) | set(VERDICTS), VERDICTS):
            f[p + v] = str(counts.get(v, 0))
        followed = {}
        for c in run["cases"]:
            o = c.get("followed", "-")
            followed[o] = followed.get(o, 0) + 1
        for o, n in followed.items():
            f[p + "followed." + outcome_key(o)] = str(n)
        f[p + "kernel_events"] = str(group_sum(run, "kernel_events"))
        f[p + "late_kernel_events"] = str(late_events(run))
        f[p + "vms"] = str(group_sum(run, "vms"))
        f[p + "boot_failures"] = str(group_sum(run, "boot_failures"))
        f[p + "wall_seconds"] = fmt_seconds(run.get("wall_seconds", 0))
        k = run.get("kernel") or {}
        f[p + "release"] = str(k.get("release", ""))
        f[p + "version"] = str(k.get("version", ""))
        f[p + "started"] = str(run.get("started_utc", ""))[:10]
        f[p + "accel"] = str(run.get("accel", ""))
        mp = run.get("man_page")
        f[p + "man_page"] = (mp.get("name", "") if isinstance(mp, dict) else str(mp)) if mp else "-"
        per_class = {}
        for c in run["cases"]:
            per_class[c.get("class", "")] = per_class.get(c.get("class", ""), 0) + 1
        for cls, n in per_class.items():
            f[p + "class." + cls] = str(n)
        oops_rows = {r for r, v in self.t.catalogue.items() if "oops-risk" in v["tags"]}
        oops_cases = [c for c in run["cases"] if set(c.get("input", {}).get("malform", [])) & oops_rows]
        f[p + "oops_risk_rows"] = str(len(malformations_of(run) & oops_rows))
        f[p + "oops_risk_cases"] = str(len(oops_cases))
        f[p + "oops_risk_kernel"] = str(sum(1 for c in oops_cases if c.get("verdict") == "KERNEL"))
        return f

    def suite_facts(self):
        """suite.X: the value every baseline has for X (absent when they differ: see get())."""
        out = {}
        names = list(self.t.baselines)
        suffixes = {k[len(n) + 1:] for n in names for k in self.static if k.startswith(n + ".")}
        for s in suffixes:
            if not (s in ("cases", "oops_risk_rows", "oops_risk_cases") or s.startswith("class.")):
                continue
            values = {self.static.get(f"{n}.{s}", "0" if s.startswith("class.") else None) for n in names}
            out["suite." + s] = values.pop() if len(values) == 1 else None
        return out

    def get(self, name):
        if name in self.static:
            v = self.static[name]
            if v is None:
                per = ", ".join(f"{n}: {self.static.get(n + '.' + name[6:], 'none')}" for n in self.t.baselines)
                raise FactError(f"{name}: the baselines differ ({per}); quote them per baseline")
            return v
        if name.startswith("count:"):
            base, glob = self.split(name, 2)
            bases = list(self.t.baselines) if base == "suite" else [base]
            counts = {b: sum(1 for c in self.cases(b) if fnmatch.fnmatchcase(c["id"], glob)) for b in bases}
            if len(set(counts.values())) != 1:
                raise FactError(f"{name}: the baselines differ ({counts}); quote them per baseline")
            return str(counts[bases[0]])
        if name.startswith("case:"):
            base, cid, field = self.split(name, 3)
            hits = [c for c in self.cases(base) if c["id"] == cid]
            if not hits:
                raise FactError(f"{name}: no case {cid} in {base}")
            v = hits[0].get(field)
            if isinstance(v, list):
                v = "|".join(str(x) for x in v)
            return "-" if v in (None, "") else str(v)
        if name.startswith("suite.class.") or (any(name.startswith(b + ".") for b in self.t.baselines)
                                                and self.zero_when_absent(name)):
            return "0"
        return self.unknown(name)

    def zero_when_absent(self, name):
        # A verdict, outcome or class no case has: zero, not a typo, when the rest of the name is known.
        parts = name.split(".")
        return len(parts) >= 2 and (parts[-1] in VERDICTS or parts[-2] in ("followed", "class"))

    def unknown(self, name):
        raise FactError(f"unknown fact '{name}' (scripts/doc-facts.py --list names them all)")

    def split(self, name, n):
        parts = name.split(":", n)[1:]
        if len(parts) != n or not all(parts):
            raise FactError(f"malformed fact name '{name}'")
        return parts

    def cases(self, base):
        if base not in self.t.baselines:
            raise FactError(f"no baseline '{base}' (have: {', '.join(self.t.baselines)})")
        return self.t.baselines[base]["cases"]

    # --- blocks ----------------------------------------------------------------------------------

    def block(self, name, modharness=None):
        """The lines of a generated block, or None when this run cannot produce it (left as is)."""
        if name == "findings-summary":
            return self.findings_summary()
        if name == "baselines-table":
            return self.baselines_table()
        if name == "uncovered":
            return self.uncovered()
        if name == "catalogue-table":
            if not modharness:
                return None
            out = subprocess.run([modharness, "malformations", "--markdown"], check=True, capture_output=True, text=True)
            return out.stdout.rstrip("\n").split("\n")
        raise FactError(f"unknown block '{name}' (blocks: findings-summary, baselines-table, uncovered, catalogue-table)")

    def uncovered(self):
        """The runs' table of contract classes without cases (`uncovered`), or None for runs without one."""
        rows = {}
        for run in self.t.baselines.values():
            for u in run.get("uncovered") or []:
                rows.setdefault(str(u.get("id", "")), u)
        if not any("uncovered" in run for run in self.t.baselines.values()):
            return None
        if not rows:
            return ["Every class of contract.md §3 has cases."]
        lines = ["| class | contract.md | input | why it has no case |", "|---|---|---|---|"]
        for cid in sorted(rows, key=natural):
            u = rows[cid]
            lines.append(f"| {cid} | §{u.get('section', '')} | {u.get('title', '')} | {u.get('reason', '')} |")
        return lines

    def findings_summary(self):
        runs = self.t.baselines
        names = list(runs)
        rows = [("", names), ("kernel", [f"{self.get(n + '.release')} ({self.get(n + '.version')})" for n in names])]
        rows.append(("run started (UTC), accelerator", [f"{runs[n].get('started_utc', '')}, {self.get(n + '.accel')}" for n in names]))
        rows.append(("cases", [self.get(n + ".cases") for n in names]))
        verdicts = ordered({v for n in names for v in verdict_counts(runs[n])} | set(VERDICTS), VERDICTS)
        rows.append((" / ".join(verdicts), [" / ".join(self.get(f"{n}.{v}") for v in verdicts) for n in names]))
        rows.append(("kernel events (of them between cases)",
                     [f"{self.get(n + '.kernel_events')} ({self.get(n + '.late_kernel_events')})" for n in names]))
        rows.append(("VMs (boot failures)", [f"{self.get(n + '.vms')} ({self.get(n + '.boot_failures')})" for n in names]))
        if any(runs[n].get("man_page") for n in names):
            rows.append(("man page the errnos were scored against", [self.get(n + ".man_page") for n in names]))
        outcomes = ordered({c.get("followed", "-") for n in names for c in runs[n]["cases"]}, OUTCOME_ORDER)
        for o in outcomes:
            text = OUTCOME_TEXT.get(o, o)
            label = f"errno followed {text} (`{o}`)" if o in ("man", "code", "both", "neither") else f"{text} (`{o}`)"
            rows.append((label, [self.get(f"{n}.followed.{outcome_key(o)}") for n in names]))
        return table(rows)

    def baselines_table(self):
        runs = self.t.baselines
        names = list(runs)
        verdicts = ordered({v for n in names for v in verdict_counts(runs[n])} | set(VERDICTS), VERDICTS)
        accel = "/".join(sorted({self.get(n + ".accel").upper() for n in names}))
        head = ["kernel", "release", "cases"] + verdicts + [f"wall ({accel}, incl. boots)"]
        body = []
        for n in names:
            body.append([n, f"{self.get(n + '.release')} ({self.get(n + '.version')})", self.get(n + ".cases")]
                        + [self.get(f"{n}.{v}") for v in verdicts]
                        + [f"{self.get(n + '.wall_seconds')} s ({self.get(n + '.vms')} VMs)"])
        return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in body]


def natural(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def table(rows):
    head, rest = rows[0], rows[1:]
    lines = ["| " + " | ".join([head[0]] + head[1]) + " |", "|" + "---|" * (1 + len(head[1]))]
    for label, cells in rest:
        lines.append("| " + " | ".join([label] + cells) + " |")
    return lines


def malformations_of(run):
    return {m for c in run["cases"] for m in c.get("input", {}).get("malform", [])}


def doc_files(root):
    """Every Markdown file of the tree (build directories and dot-directories left out)."""
    out = []
    for d, subdirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        subdirs[:] = sorted(s for s in subdirs if not s.startswith(".") and not (rel == "." and s.startswith("build")))
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith(".md")]
    return out


class Finding:
    def __init__(self, path, line, text, stale=False):
        self.path, self.line, self.text, self.stale = path, line, text, stale

    def __str__(self):
        return f"{self.path}:{self.line}: {self.text}"


CODE_SPAN = re.compile(r"(`+).*?\1")
FENCE = re.compile(r"^\s*(```|~~~)")


def outside_code(line, start):
    """Whether position `start` of a line is outside every `code span` (markers shown as text)."""
    return not any(m.start() <= start < m.end() for m in CODE_SPAN.finditer(line))


def process_block(rel, lines, i, facts, modharness, uses, findings):
    """A generated block starting at line i: returns (its lines as they should be, index after it)."""
    name = BLOCK.match(lines[i].strip()).group("name")
    end = next((j for j in range(i + 1, len(lines)) if BLOCK.match(lines[j].strip())), None)
    if end is None or BLOCK.match(lines[end].strip()).groups() != (name, "end"):
        findings.append(Finding(rel, i + 1, f"block '{name}' has no matching '<!-- facts:{name} end -->'"))
        return [lines[i]], i + 1
    uses.setdefault("block:" + name, []).append(f"{rel}:{i + 1}")
    quoted = [l.rstrip("\n") for l in lines[i + 1:end]]
    try:
        computed = facts.block(name, modharness)
    except (FactError, subprocess.CalledProcessError, OSError) as e:
        findings.append(Finding(rel, i + 1, f"block '{name}': {e}"))
        computed = None
    if computed is None or computed == quoted:
        return lines[i:end + 1], end + 1
    first = next(k for k in range(max(len(quoted), len(computed)) + 1)
                 if k >= len(quoted) or k >= len(computed) or quoted[k] != computed[k])
    was = quoted[first] if first < len(quoted) else "(end of block)"
    now = computed[first] if first < len(computed) else "(end of block)"
    findings.append(Finding(rel, i + 2 + first, f"block '{name}' is stale: quoted {was!r}, computed {now!r}", stale=True))
    return [lines[i]] + [l + "\n" for l in computed] + [lines[end]], end + 1


def process_line(rel, line, n, facts, uses, findings):
    """Inline markers of one line: returns the line as it should be."""
    opened = [m for m in INLINE_OPEN.finditer(line) if outside_code(line, m.start())]
    closed = [m for m in INLINE.finditer(line) if outside_code(line, m.start())]
    if len(opened) != len(closed):
        findings.append(Finding(rel, n, "a '<!-- fact:NAME -->' without '<!-- /fact -->' on the same line"))

    def replace(mm):
        if not outside_code(line, mm.start()):
            return mm.group(0)
        name, value = mm.group("name"), mm.group("value")
        uses.setdefault(name, []).append(f"{rel}:{n}")
        try:
            computed = facts.get(name)
        except FactError as e:
            findings.append(Finding(rel, n, str(e)))
            return mm.group(0)
        if value == computed:
            return mm.group(0)
        findings.append(Finding(rel, n, f"{name}: quoted {value}, computed {computed}", stale=True))
        return f"<!-- fact:{name} -->{computed}<!-- /fact -->"

    return INLINE.sub(replace, line)


def process(root, facts, mode, modharness, uses):
    """Checks (mode 'check') or rewrites (mode 'write') every marked figure. Returns findings.
    Markers inside fenced code blocks and `code spans` are text, not markers."""
    findings = []
    for path in doc_files(root):
        rel = os.path.relpath(path, root)
        lines = read_lines(path)
        out = []
        fenced = False
        i = 0
        while i < len(lines):
            line = lines[i]
            if FENCE.match(line):
                fenced = not fenced
            m = None if fenced else BLOCK.match(line.strip())
            if m and m.group("kind") == "begin":
                block, i = process_block(rel, lines, i, facts, modharness, uses, findings)
                out += block
                continue
            if m:
                findings.append(Finding(rel, i + 1, f"'<!-- facts:{m.group('name')} end -->' without a begin"))
            out.append(line if fenced else process_line(rel, line, i + 1, facts, uses, findings))
            i += 1
        if mode == "write" and out != lines:
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join(out))
    return findings


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true", help="exit 1 listing every stale figure")
    g.add_argument("--write", action="store_true", help="rewrite the marked figures in place")
    g.add_argument("--list", action="store_true", help="every fact, its value and where it is quoted")
    ap.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
    ap.add_argument("--modharness", help="the modharness binary: also check the catalogue table of docs/elf-model.md")
    a = ap.parse_args(argv)

    if a.write and a.modharness:
        # The catalogue table first: the catalogue facts are read from it.
        process(a.root, Facts(Tree(a.root)), "write", a.modharness, {})
    tree = Tree(a.root)
    facts = Facts(tree)
    uses = {}
    findings = process(a.root, facts, "write" if a.write else "check", a.modharness, uses)
    problems = [str(p) for p in tree.problems]

    if a.list:
        for name in sorted(set(facts.static) | {u for u in uses if not u.startswith("block:")}):
            try:
                value = facts.get(name)
            except FactError as e:
                value = f"(error: {e})"
            print(f"{name} = {value}" + (f"    {', '.join(uses[name])}" if name in uses else ""))
        for name in sorted(u for u in uses if u.startswith("block:")):
            print(f"{name}    {', '.join(uses[name])}")
        for p in problems:
            print(f"problem: {p}")
        return 0
    if not a.modharness and "block:catalogue-table" in uses:
        print("doc-facts: catalogue-table not compared with the catalogue (no --modharness)", file=sys.stderr)
    for p in problems:
        print(f"doc-facts: {p}")
    if a.write:
        for f in findings:
            if f.stale:
                print(f"rewrote {f}")
        errors = [f for f in findings if not f.stale]
        for f in errors:
            print(f"doc-facts: {f}")
        return 1 if errors or problems else 0
    for f in findings:
        print(f)
    if findings or problems:
        print(f"doc-facts: {len(findings)} stale or broken figure(s); `scripts/doc-facts.py --write` rewrites stale ones",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
