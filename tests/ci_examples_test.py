#!/usr/bin/env python3
"""The CI definitions under ci-examples/ parse and say what this modharness accepts.

Each file must be valid YAML; every `modharness` command line in it must name a real subcommand
and only options that subcommand's --help lists; every `--shard I/N` must use the N its matrix
has (one job per shard value 1..N), and the merge step must name all N shard outputs.
Usage: ci_examples_test.py SOURCE_DIR MODHARNESS."""
import re
import subprocess
import sys
from pathlib import Path

import yaml

src, mh = Path(sys.argv[1]), sys.argv[2]
failures = []


def scripts(node):
    """Every shell line of a workflow (`run:`) or a GitLab job (`script:`)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "run" and isinstance(v, str):
                yield v
            elif k == "script" and isinstance(v, list):
                yield from (x for x in v if isinstance(x, str))
            else:
                yield from scripts(v)
    elif isinstance(node, list):
        for x in node:
            yield from scripts(x)


def shard_values(doc):
    """The values the matrices give a shard variable (`shard` / `SHARD`)."""
    found = []
    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if str(k).lower() == "shard" and isinstance(v, list):
                    found.append(sorted(int(x) for x in v))
                walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)
    walk(doc)
    return found


help_cache = {}
def options_of(cmd):
    if cmd not in help_cache:
        out = subprocess.run([mh, cmd, "--help"], capture_output=True, text=True)
        help_cache[cmd] = None if out.returncode != 0 else set(re.findall(r"--[a-z][a-z0-9-]*", out.stdout))
    return help_cache[cmd]


files = sorted((src / "ci-examples").glob("*.yml"))
if len(files) < 2:
    failures.append(f"expected the GitHub Actions and GitLab CI examples under ci-examples/, found {len(files)}")
for f in files:
    doc = yaml.safe_load(f.read_text())
    # GitHub expressions (${{ matrix.shard }}) become one word, as the runner substitutes them.
    lines = [" ".join(re.sub(r"\$\{\{[^}]*\}\}", "X", s).split()) for s in scripts(doc)]
    calls = [l for l in lines if "modharness " in l]
    if not calls:
        failures.append(f"{f.name}: no modharness command")
    totals = set()
    for line in calls:
        cmd = line.split("modharness ", 1)[1].split()[0]
        opts = options_of(cmd)
        if opts is None:
            failures.append(f"{f.name}: 'modharness {cmd}' is not a command")
            continue
        for o in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", line.split("modharness ", 1)[1]):
            if o not in opts:
                failures.append(f"{f.name}: modharness {cmd} has no option {o}")
        for total in re.findall(r"--shard\s+\"?\S*?/(\d+)", line):
            totals.add(int(total))
        if cmd == "merge-runs":
            outputs = len(line.split("merge-runs", 1)[1].split()) - 1
            totals_here = totals or {0}
            if outputs not in totals_here:
                failures.append(f"{f.name}: merge-runs joins {outputs} shard outputs, the split has {sorted(totals)}")
    if len(totals) != 1:
        failures.append(f"{f.name}: want one --shard I/N split, found {sorted(totals)}")
    else:
        n = totals.pop()
        values = shard_values(doc)
        if not values or any(v != list(range(1, n + 1)) for v in values):
            failures.append(f"{f.name}: the matrix's shard values {values} are not 1..{n}")
    print(f"{f.name}: {len(calls)} modharness commands checked")

for x in failures:
    print("FAIL:", x, file=sys.stderr)
sys.exit(1 if failures else 0)
