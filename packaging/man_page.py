#!/usr/bin/env python3
"""Writes modharness.1 from the binary's own help: `modharness --help` for the command list,
environment and exit codes, `modharness CMD --help` for each command (the same option tables
that parse the command line). Usage: man_page.py MODHARNESS VERSION OUT.gz
Also `man_page.py --gzip IN OUT.gz`: gzip -9n for the Debian changelog (no name, no mtime)."""
import gzip
import os
import re
import subprocess
import sys
import time


def help_text(binary, *args):
    r = subprocess.run([binary, *args, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        # A command this build left out (e.g. bench with -DMH_BENCH=OFF) says so; the page says it too.
        return "(not available in this build: " + (r.stderr or r.stdout).strip() + ")\n"
    return r.stdout


def roff_escape(line):
    line = line.replace("\\", "\\e")
    if line.startswith((".", "'")):
        line = "\\&" + line
    return line


def verbatim(text):
    return ".nf\n" + "\n".join(roff_escape(l) for l in text.rstrip("\n").split("\n")) + "\n.fi\n"


def main():
    if sys.argv[1] == "--gzip":
        with open(sys.argv[2], "rb") as f:
            write_gzip(sys.argv[3], f.read())
        return
    binary, version, out = sys.argv[1:4]
    top = help_text(binary)
    commands, tail, section = [], [], None
    for line in top.split("\n"):
        if line.startswith("commands:"):
            section = "commands"
            continue
        if section == "commands":
            m = re.match(r"^  (\S+)\s+(.*)$", line)
            if m:
                commands.append((m.group(1), m.group(2)))
                continue
            if line.strip():
                section = "tail"
        if section == "tail":
            tail.append(line)
    if not commands:
        sys.exit("man_page.py: no command list in `modharness --help`")
    # Reproducible: SOURCE_DATE_EPOCH when the packager sets it.
    date = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    page = [f'.TH MODHARNESS 1 "{date}" "modharness {version}" "User Commands"',
            ".SH NAME",
            "modharness \\- conformance, fuzzing and benchmarks for init_module(2) and finit_module(2)",
            ".SH SYNOPSIS",
            ".B modharness",
            ".I command",
            "[\\fIoptions\\fR]",
            ".SH DESCRIPTION",
            "The module syscalls are only ever called inside disposable QEMU VMs booted on real",
            "kernels; the host never calls them. Each command below is described by its own",
            ".B \\-\\-help",
            "output, reproduced here.",
            ".SH COMMANDS"]
    for name, summary in commands:
        page += [".TP", f".B {name}", roff_escape(summary)]
    for name, _ in commands:
        page += [f'.SS "modharness {name}"', verbatim(help_text(binary, name)).rstrip("\n")]
    page += [".SH ENVIRONMENT AND EXIT STATUS", verbatim("\n".join(tail).strip("\n")).rstrip("\n"),
             ".SH FILES",
             ".TP", ".I ~/.cache/modharness", "kernels, headers, -dbg vmlinux files, seed modules, accelerator probe ($MH_CACHE_DIR)",
             ".TP", ".I <prefix>/libexec/modharness", "guest programs packed into the VMs' initramfs",
             ".TP", ".I <prefix>/share/modharness", "seed module sources, kernel profiles, conformance contract, case lists, baselines",
             ".PP", "`modharness \\-\\-version \\-\\-verbose` prints where each was found.",
             ".SH SEE ALSO", "init_module(2), finit_module(2), qemu-system-x86_64(1), afl-fuzz(8)", ""]
    write_gzip(out, "\n".join(page).encode())


def write_gzip(out, data):
    # mtime 0 and no file name: the same input gives the same bytes (lintian, reproducible builds).
    with open(out + ".tmp", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as f:
            f.write(data)
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
