#!/usr/bin/env python3
"""Section-header differences between a seed module and a crash input whose section table moved.

When a fuzzed image's e_shoff points into bytes appended past the seed's end, `modharness repro`
keeps "e_shoff" and "N bytes appended" as two units: what changed inside the moved table is not
named. This compares that table with the seed's, field by field. INPUT is a crash input or
minimized.bin (the MHF1 encoding of modharness fuzz: the image after the call header) or a bare
ELF; SEED is the seed .ko as the campaign used it (stripped of debug sections: pass --strip to
strip a copy of a built seed first).
Usage: scripts/shdr-diff.py INPUT SEED.ko [--strip]"""
import os
import struct
import subprocess
import sys
import tempfile

FIELDS = ["sh_name", "sh_type", "sh_flags", "sh_addr", "sh_offset", "sh_size", "sh_link", "sh_info", "sh_addralign", "sh_entsize"]


def image_of(data):
    if data[:4] != b"MHF1":
        return data
    params, = struct.unpack_from("<H", data, 6)
    steps, = struct.unpack_from("<H", data, 12)
    return data[16 + params + 3 * steps:]


def headers(elf):
    if elf[:4] != b"\x7fELF" or len(elf) < 64:
        sys.exit("not an ELF image")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", elf, 0x3c)
    if shoff + 64 * shnum > len(elf):
        sys.exit(f"section table (e_shoff {shoff:#x}, {shnum} entries) runs past the image ({len(elf)} bytes)")
    return [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + 64 * i) for i in range(shnum)], shstrndx


def name(elf, shdrs, strndx, h):
    table = shdrs[strndx]
    start = table[4] + h[0]
    end = elf.find(b"\0", start)
    return elf[start:end].decode(errors="replace") if 0 <= start < len(elf) and end > 0 else "?"


def main():
    args = [a for a in sys.argv[1:] if a != "--strip"]
    if len(args) != 2:
        sys.exit(__doc__)
    crash = image_of(open(args[0], "rb").read())
    seed_path = args[1]
    if "--strip" in sys.argv:
        tmp = tempfile.NamedTemporaryFile(suffix=".ko", delete=False)
        tmp.close()
        subprocess.run(["strip", "--strip-debug", "-o", tmp.name, seed_path], check=True)
        seed_path = tmp.name
    seed = open(seed_path, "rb").read()
    if "--strip" in sys.argv:
        os.unlink(seed_path)
    a, astr = headers(seed)
    b, _ = headers(crash)
    e_shoff_seed, = struct.unpack_from("<Q", seed, 0x28)
    e_shoff_crash, = struct.unpack_from("<Q", crash, 0x28)
    print(f"section table: seed e_shoff {e_shoff_seed:#x}, {len(a)} entries; crash e_shoff {e_shoff_crash:#x}, {len(b)} entries")
    for i in range(max(len(a), len(b))):
        if i >= len(a) or i >= len(b):
            print(f"section {i}: only in the {'crash image' if i >= len(a) else 'seed'}")
            continue
        for k, field in enumerate(FIELDS):
            if a[i][k] != b[i][k]:
                print(f"section {i} `{name(seed, a, astr, a[i])}` header {field}: {a[i][k]:#x} -> {b[i][k]:#x}")


main()
