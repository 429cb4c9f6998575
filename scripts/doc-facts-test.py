#!/usr/bin/env python3
"""Tests of scripts/doc-facts.py on a copy of the tree: stale figures are found and named, --write
repairs them, and the figures follow the committed files (CTest: doc_facts_selftest, label unit)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCRIPT = os.path.join(SRC, "scripts", "doc-facts.py")
B61 = os.path.join("conformance", "baselines", "debian-6.1-cloud", "conformance.json")
B612 = os.path.join("conformance", "baselines", "debian-6.12-cloud", "conformance.json")


class DocFactsTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="mh-docfacts-")
        # What the script reads: every Markdown file, the contract, the baselines (reports but not
        # the large HTML/JUnit files, which it does not read).
        for d, subdirs, files in os.walk(SRC):
            rel = os.path.relpath(d, SRC)
            subdirs[:] = [s for s in subdirs if not s.startswith(".") and not (rel == "." and s.startswith("build"))]
            for f in files:
                keep = f.endswith(".md") or (rel.startswith(os.path.join("conformance", "baselines"))
                                             and f in ("conformance.json", "summary.txt", "diff.json"))
                if keep or (rel == "conformance" and f == "contract.txt"):
                    os.makedirs(os.path.join(self.root, rel), exist_ok=True)
                    shutil.copy(os.path.join(d, f), os.path.join(self.root, rel, f))

    def tearDown(self):
        shutil.rmtree(self.root)

    def run_script(self, *args):
        p = subprocess.run([sys.executable, SCRIPT, "--root", self.root, *args], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr

    def path(self, rel):
        return os.path.join(self.root, rel)

    def read(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return f.read()

    def write(self, rel, text):
        with open(self.path(rel), "w", encoding="utf-8") as f:
            f.write(text)

    def edit_json(self, rel, change):
        with open(self.path(rel), encoding="utf-8") as f:
            run = json.load(f)
        change(run)
        with open(self.path(rel), "w", encoding="utf-8") as f:
            json.dump(run, f)

    def load_json(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return json.load(f)

    def line_of(self, rel, needle):
        return next(i + 1 for i, l in enumerate(self.read(rel).splitlines()) if needle in l)

    def test_the_committed_tree_is_clean(self):
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 0, out)

    def test_a_changed_figure_is_named_with_file_line_and_both_values_then_rewritten(self):
        readme = self.read("README.md")
        m = re.search(r"<!-- fact:suite\.cases -->(\d+)<!-- /fact -->", readme)
        real = m.group(1)
        self.write("README.md", readme.replace(m.group(0), "<!-- fact:suite.cases -->437<!-- /fact -->", 1))
        line = self.line_of("README.md", "<!-- fact:suite.cases -->437")
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 1, out)
        self.assertIn(f"README.md:{line}: suite.cases: quoted 437, computed {real}", out)
        rc, out = self.run_script("--write")
        self.assertEqual(rc, 0, out)
        self.assertEqual(self.read("README.md"), readme)
        self.assertEqual(self.run_script("--check")[0], 0)

    def test_a_stale_table_block_fails(self):
        rel = os.path.join("conformance", "baselines", "README.md")
        text = self.read(rel)
        self.write(rel, text.replace("| debian-6.12-cloud |", "| debian-6.12-cloud-x |", 1))
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 1, out)
        self.assertIn("block 'baselines-table' is stale", out)
        self.assertEqual(self.run_script("--write")[0], 0)
        self.assertEqual(self.read(rel), text)

    def test_unknown_names_and_broken_markers_fail(self):
        rel = os.path.join("docs", "soak.md")
        text = self.read(rel)
        self.write(rel, text + "\n<!-- fact:no.such.fact -->1<!-- /fact -->\n<!-- fact:suite.cases -->439\n"
                   "<!-- facts:nothing begin -->\n")
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 1, out)
        self.assertIn("unknown fact 'no.such.fact'", out)
        self.assertIn("without '<!-- /fact -->'", out)
        self.assertIn("block 'nothing' has no matching", out)
        self.assertEqual(self.run_script("--write")[0], 1, "--write does not hide broken markers")

    def test_markers_shown_as_code_are_text(self):
        rel = os.path.join("docs", "soak.md")
        self.write(rel, self.read(rel) + "\n```\n<!-- fact:NAME -->VALUE<!-- /fact -->\n<!-- facts:NAME begin -->\n```\n"
                   "Inline: `<!-- fact:NAME -->VALUE<!-- /fact -->` and `<!-- fact:NAME -->`.\n")
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 0, out)

    def test_figures_follow_the_baselines(self):
        # One PASS case of the 6.1 run becomes FAIL (summary included): every figure quoting the 6.1
        # PASS count is stale, and --write brings them in line with the file.
        def fail_one(run):
            c = next(c for c in run["cases"] if c["verdict"] == "PASS")
            c["verdict"] = "FAIL"
            run["summary"]["PASS"] -= 1
            run["summary"]["FAIL"] = run["summary"].get("FAIL", 0) + 1
        passes = sum(1 for c in self.load_json(B61)["cases"] if c["verdict"] == "PASS")
        self.edit_json(B61, fail_one)
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 1, out)
        self.assertIn(f"debian-6.1-cloud.PASS: quoted {passes}, computed {passes - 1}", out)
        self.assertIn("block 'findings-summary' is stale", out)
        self.assertEqual(self.run_script("--write")[0], 0)
        self.assertEqual(self.run_script("--check")[0], 0)
        self.assertIn(f"<!-- fact:debian-6.1-cloud.PASS -->{passes - 1}<!-- /fact -->", self.read(os.path.join("docs", "soak.md")))

    def test_every_man_page_outcome_of_the_runs_gets_a_row(self):
        # Outcomes are read from the runs, not from a fixed list: a new one and the named page appear.
        def rescore(run):
            run["man_page"] = {"name": "manpages-6.03", "title": "t", "why": "w"}
            for c in run["cases"][:5]:
                c["followed"] = "undocumented"
            for c in run["cases"][5:7]:
                c["followed"] = "some-new-outcome"
        # Expected counts from the committed runs, so re-recorded baselines keep the test true.
        before61 = self.load_json(B61)["cases"]
        run612 = self.load_json(B612)
        undoc61 = 5 + sum(1 for c in before61[7:] if c.get("followed") == "undocumented")
        undoc612 = sum(1 for c in run612["cases"] if c.get("followed") == "undocumented")
        page612 = re.escape((run612.get("man_page") or {}).get("name", "-"))
        self.edit_json(B61, rescore)
        self.assertEqual(self.run_script("--write")[0], 0)
        findings = self.read(os.path.join("docs", "conformance-findings.md"))
        self.assertRegex(findings, rf"\| nothing: the page is silent about the input \(`undocumented`\) \| {undoc61} \| {undoc612} \|")
        self.assertRegex(findings, r"\| some-new-outcome \(`some-new-outcome`\) \| 2 \| 0 \|")
        self.assertRegex(findings, rf"\| man page the errnos were scored against \| manpages-6\.03 \| {page612} \|")
        rc, out = self.run_script("--list")
        self.assertIn(f"debian-6.1-cloud.followed.undocumented = {undoc61}", out)

    def test_files_that_disagree_are_reported(self):
        self.edit_json(B61, lambda run: run["summary"].update(PASS=run["summary"]["PASS"] + 1))
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 1, out)
        self.assertIn("disagrees with its cases", out)

    def test_suite_figures_need_every_baseline_to_agree(self):
        self.edit_json(B612, lambda run: run.update(cases=[c for c in run["cases"] if c["class"] != "E2" or c["id"].endswith("-init")]))
        rc, out = self.run_script("--check")
        self.assertEqual(rc, 1, out)
        self.assertRegex(out, r"suite\.class\.E2: the baselines differ \(debian-6\.1-cloud: \d+, debian-6\.12-cloud: \d+\)")

    def test_the_catalogue_table_is_checked_against_the_binary(self):
        # A stand-in for `modharness malformations --markdown` without one of the oops-risk rows the
        # suite runs: the table is stale, and after --write the catalogue figures follow the new table.
        elf = os.path.join("docs", "elf-model.md")
        text = self.read(elf)
        table = text[text.index("<!-- facts:catalogue-table begin -->\n") + 37:text.index("<!-- facts:catalogue-table end -->")]
        rows = table.splitlines()
        dropped = next(r for r in rows if "oops-risk" in r and "| R7 |" not in r)
        fake_out = os.path.join(self.root, "catalogue.md")
        with open(fake_out, "w", encoding="utf-8") as f:
            f.write("\n".join(r for r in rows if r != dropped) + "\n")
        fake = os.path.join(self.root, "fake-modharness")
        with open(fake, "w", encoding="utf-8") as f:
            f.write(f"#!/bin/sh\n[ \"$1 $2\" = 'malformations --markdown' ] || exit 2\ncat '{fake_out}'\n")
        os.chmod(fake, 0o755)
        self.assertEqual(self.run_script("--check")[0], 0, "without --modharness the table is not compared")
        rc, out = self.run_script("--check", "--modharness", fake)
        self.assertEqual(rc, 1, out)
        self.assertIn("block 'catalogue-table' is stale", out)
        oops = int(re.search(r"<!-- fact:catalogue\.oops_risk_rows -->(\d+)<", text).group(1))
        self.assertEqual(self.run_script("--write", "--modharness", fake)[0], 0)
        self.assertEqual(self.run_script("--check", "--modharness", fake)[0], 0)
        self.assertIn(f"<!-- fact:catalogue.oops_risk_rows -->{oops - 1}<!-- /fact -->", self.read(elf))
        self.assertNotIn(dropped, self.read(elf))

    def test_case_and_count_facts(self):
        rel = os.path.join("docs", "soak.md")
        self.write(rel, self.read(rel) + "\n<!-- fact:count:suite:mal-*-init -->0<!-- /fact -->"
                   " <!-- fact:case:debian-6.12-cloud:k1-again-finit:errno -->x<!-- /fact -->\n")
        inits = sum(1 for c in self.load_json(B61)["cases"] if re.fullmatch(r"mal-.*-init", c["id"]))
        rc, out = self.run_script("--check")
        self.assertIn(f"count:suite:mal-*-init: quoted 0, computed {inits}", out)
        self.assertIn("case:debian-6.12-cloud:k1-again-finit:errno: quoted x, computed EEXIST", out)


    def test_the_deviation_survey_names_the_cases_of_each_kind(self):
        p = subprocess.run([sys.executable, os.path.join(SRC, "scripts", "deviation-survey.py"),
                            self.path(os.path.join("conformance", "baselines"))], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        same_bytes = p.stdout.split("## the same image through init_module and finit_module")[1].split("\n## ")[0]
        self.assertIn("mal-sig-short-info", same_bytes)
        self.assertIn("init ENOEXEC", same_bytes)
        self.assertIn("finit EBADMSG", same_bytes)


if __name__ == "__main__":
    unittest.main(verbosity=2)
