#!/usr/bin/env python3
"""Measures how fast a guest can take work after a cold boot and after each way stock QEMU can
restore a snapshot of a ready guest (issue: fast reset).

Every VM runs the same guest: the harness's kernel command line, machine and memory, and
mh-snapshot-probe as /init (bench/snapshot: guard, mounts, "READY" on ttyS1, then "GO <n>" for
every byte the host sends there). The time measured is from starting QEMU to the first "GO": what
a VM costs before it can take work. The host sends a byte every 10 ms until it is answered, so
a byte lost while a restore replaces the UART's state does not matter.

Candidates (all with QEMU's own options; nothing patched):
  cold          boot the kernel and initramfs
  migration     `migrate exec:cat > FILE` of the ready guest (live; the source ends stopped),
                restored with `-incoming "exec:cat FILE"`
  shared-ram    guest RAM in a memory-backend-file on /dev/shm (share=on) and migration with the
                x-ignore-shared capability, so the stream holds device state only; restored with
                the same file mapped share=off (private, copy on write: the snapshot stays intact
                for the next restore) and `-incoming defer` + migrate-incoming + cont over QMP
  qcow2         `savevm` to an internal snapshot of a qcow2 drive (qemu-img), restored with -loadvm

Usage: scripts/snapshot-candidates.py [--kernel NAME] [--rounds N] [--out DIR]
Needs a built tree (build/harness/cli/modharness, build/bench/snapshot/mh-snapshot-probe), the
kernel in the cache (modharness kernel fetch NAME) and qemu-utils (qemu-img; scripts/setup.sh).
Writes DIR/snapshot-candidates.json and prints a table. Exit 0 when every candidate restored.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEMORY_MB = 1024  # the harness's default (harness/vm/qemu_argv.h)
TIMEOUT_S = 120.0


def cpio_newc(entries):
    """entries: (name, mode, data) -> an uncompressed newc archive."""
    out = bytearray()

    def pad4():
        while len(out) % 4:
            out.append(0)

    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], start=1):
        nb = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0]
        out += b"070701" + b"".join(b"%08x" % f for f in fields) + nb
        pad4()
        out += data
        pad4()
    return bytes(out)


def tsc_khz():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                return round(float(line.split(":")[1]) * 1000)
    return None


class Qmp:
    def __init__(self, path, deadline):
        self.sock = connect_unix(path, deadline)
        self.buf = b""
        self.read_message()  # greeting
        self.command("qmp_capabilities")

    def read_message(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QMP closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **arguments):
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            m = self.read_message()
            if "return" in m:
                return m["return"]
            if "error" in m:
                raise RuntimeError(f"QMP {name}: {m['error'].get('desc')}")
            # events ("event": ...) are skipped

    def close(self):
        self.sock.close()


def connect_unix(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise RuntimeError(f"no socket at {path}")
            time.sleep(0.002)


class Vm:
    def __init__(self, work, kernel, initrd, append, extra, tag):
        self.serial_path = os.path.join(work, f"{tag}.serial")
        self.qmp_path = os.path.join(work, f"{tag}.qmp")
        for p in (self.serial_path, self.qmp_path):
            if os.path.exists(p):
                os.unlink(p)
        self.console = os.path.join(work, f"{tag}.console.log")
        argv = ["qemu-system-x86_64", "-M", "microvm,x-option-roms=off,isa-serial=on,rtc=on", "-accel", "tcg",
                "-m", str(MEMORY_MB), "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-net", "none", "-kernel", kernel, "-initrd", initrd, "-append", append,
                "-chardev", f"file,id=con,path={self.console}", "-serial", "chardev:con",
                "-chardev", f"socket,id=res,path={self.serial_path},server=on,wait=off",
                "-device", "isa-serial,chardev=res,iobase=0x2f8,irq=3",
                "-qmp", f"unix:{self.qmp_path},server=on,wait=off"] + extra
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.deadline = self.t0 + TIMEOUT_S
        self.serial = None
        self.seen = b""

    def qmp(self):
        return Qmp(self.qmp_path, self.deadline)

    def wait_for(self, needle, poke):
        """Seconds from QEMU's start until `needle` arrives on ttyS1; pokes a byte every 10 ms if asked."""
        if self.serial is None:
            self.serial = connect_unix(self.serial_path, self.deadline)
            self.serial.settimeout(0.01)
        while needle not in self.seen:
            if time.monotonic() > self.deadline:
                raise RuntimeError(f"no {needle!r} within {TIMEOUT_S} s; got {self.seen[-200:]!r}")
            if self.proc.poll() is not None:
                raise RuntimeError(f"QEMU exited ({self.proc.returncode}): {self.proc.stderr.read().decode()[-500:]}")
            if poke:
                try:
                    self.serial.sendall(b"x")
                except OSError:
                    pass
            try:
                chunk = self.serial.recv(4096)
                if chunk:
                    self.seen += chunk
            except socket.timeout:
                pass
        return time.monotonic() - self.t0

    def quit(self):
        try:
            if self.serial:
                self.serial.close()
            q = self.qmp()
            q.command("quit")
            q.close()
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wait_migration(q, deadline):
    while True:
        st = q.command("query-migrate").get("status")
        if st == "completed":
            return
        if st in ("failed", "cancelled"):
            raise RuntimeError(f"migration {st}")
        if time.monotonic() > deadline:
            raise RuntimeError("migration did not complete")
        time.sleep(0.005)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default="debian-6.1-cloud")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", default=None)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = ap.parse_args()

    mh = os.path.join(a.build, "harness/cli/modharness")
    probe = os.path.join(a.build, "bench/snapshot/mh-snapshot-probe")
    for tool in ("qemu-system-x86_64", "qemu-img"):
        if not shutil.which(tool):
            sys.exit(f"snapshot-candidates: {tool} not found (apt-get install qemu-system-x86 qemu-utils)")
    if not os.path.exists(probe):
        sys.exit(f"snapshot-candidates: {probe} not built (cmake --build build --target mh-snapshot-probe)")
    r = subprocess.run([mh, "kernel", "path", a.kernel], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"snapshot-candidates: {r.stderr.strip()}")
    kernel = r.stdout.strip().splitlines()[-1]
    release = os.path.basename(kernel).replace("vmlinuz-", "")

    work = tempfile.mkdtemp(prefix="mh-snapshot-")
    shm_ram = f"/dev/shm/mh-snapshot-{os.getpid()}.ram"
    try:
        token = secrets.token_hex(16)
        with open(probe, "rb") as f:
            init = f.read()
        initrd = os.path.join(work, "initrd.cpio")
        with open(initrd, "wb") as f:
            f.write(cpio_newc([("mh", 0o40755, b""), ("mh/token", 0o100644, token.encode()), ("init", 0o100755, init)]))
        khz = tsc_khz()
        append = "console=ttyS0 reboot=t panic=-1 loglevel=4" + (f" tsc_early_khz={khz}" if khz else "") + \
                 f" tsc=reliable modharness.guest={token}"
        ram_object = ["-object", f"memory-backend-file,id=ram,size={MEMORY_MB}M,mem-path={shm_ram},share=on",
                      "-machine", "memory-backend=ram"]
        ram_private = ["-object", f"memory-backend-file,id=ram,size={MEMORY_MB}M,mem-path={shm_ram},share=off",
                       "-machine", "memory-backend=ram"]
        qcow = os.path.join(work, "snap.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", qcow, "64M"], check=True)
        drive = ["-drive", f"if=none,id=snap,file={qcow},format=qcow2"]
        mig_file = os.path.join(work, "migration.bin")
        dev_file = os.path.join(work, "devices.bin")

        # Make the three snapshots, each from a guest at its ready point.
        made = {}
        def save(extra, tag, *commands, migrate_to=None):
            """Boots a guest to READY and saves it; seconds from the first save command to done."""
            vm = Vm(work, kernel, initrd, append, extra, tag)
            vm.wait_for(b"READY", poke=False)
            t = time.monotonic()
            q = vm.qmp()
            for name, arguments in commands:
                q.command(name, **arguments)
            if migrate_to:
                q.command("migrate", uri=f"exec:cat > {migrate_to}")
                wait_migration(q, vm.deadline)
            seconds = time.monotonic() - t
            q.close()
            vm.quit()
            return seconds

        ignore_shared = ("migrate-set-capabilities", {"capabilities": [{"capability": "x-ignore-shared", "state": True}]})
        made["migration"] = {"save_s": save([], "make-migration", migrate_to=mig_file), "bytes": os.path.getsize(mig_file)}
        made["shared-ram"] = {"save_s": save(ram_object, "make-shared", ignore_shared, migrate_to=dev_file),
                              "bytes": os.path.getsize(dev_file), "ram_file_bytes_on_disk": os.stat(shm_ram).st_blocks * 512}
        made["qcow2"] = {"save_s": save(drive, "make-qcow2", ("human-monitor-command", {"command-line": "savevm ready"}))}
        made["qcow2"]["bytes"] = os.path.getsize(qcow)

        def cold():
            v = Vm(work, kernel, initrd, append, [], "cold")
            v.wait_for(b"READY", poke=False)
            return v, v.wait_for(b"GO", poke=True)

        def migration():
            v = Vm(work, kernel, initrd, append, ["-incoming", f"exec:cat {mig_file}"], "migration")
            return v, v.wait_for(b"GO", poke=True)

        def shared_ram():
            v = Vm(work, kernel, initrd, append, ram_private + ["-incoming", "defer"], "shared")
            q = v.qmp()
            q.command(ignore_shared[0], **ignore_shared[1])
            q.command("migrate-incoming", uri=f"exec:cat {dev_file}")
            while q.command("query-status")["status"] == "inmigrate":
                time.sleep(0.001)
            if q.command("query-status")["status"] != "running":
                q.command("cont")
            q.close()
            return v, v.wait_for(b"GO", poke=True)

        def qcow2():
            v = Vm(work, kernel, initrd, append, drive + ["-loadvm", "ready"], "qcow2")
            return v, v.wait_for(b"GO", poke=True)

        candidates = {"cold": cold, "migration": migration, "shared-ram": shared_ram, "qcow2": qcow2}
        times = {k: [] for k in candidates}
        errors = {}
        for i in range(a.rounds):
            for name, run in candidates.items():
                if name in errors:
                    continue
                try:
                    v, secs = run()
                    times[name].append(secs)
                    # The restored guest is the one that was saved: its answers count on from there.
                    v.quit()
                except Exception as e:  # one candidate failing must not hide the others
                    errors[name] = str(e)
            print(f"round {i + 1}/{a.rounds}: " + ", ".join(f"{k} {v[-1]:.3f}s" for k, v in times.items() if v), flush=True)

        cold_median = statistics.median(times["cold"]) if times["cold"] else None
        result = {"schema": "modharness.snapshot-candidates/1", "kernel": a.kernel, "release": release,
                  "qemu": subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
                  "commit": subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                                           text=True).stdout.strip(),
                  "accel": "tcg", "memory_mb": MEMORY_MB, "rounds": a.rounds, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "loadavg_at_end": os.getloadavg()[0], "snapshots": made, "errors": errors, "candidates": {}}
        print(f"\n{a.kernel} ({release}), TCG, {MEMORY_MB} MiB, {a.rounds} rounds; start of QEMU to the first answer")
        print(f"{'candidate':<12} {'median s':>9} {'min':>7} {'max':>7} {'vs cold':>8}  snapshot")
        for name, v in times.items():
            row = {"seconds": v}
            if v:
                med = statistics.median(v)
                row.update(median=med, min=min(v), max=max(v))
                ratio = f"{cold_median / med:.1f}x" if cold_median and name != "cold" else ""
                snap = made.get(name, {})
                desc = f"{snap.get('bytes', 0) / 1e6:.1f} MB, saved in {snap.get('save_s', 0):.2f} s" if snap else ""
                print(f"{name:<12} {med:>9.3f} {min(v):>7.3f} {max(v):>7.3f} {ratio:>8}  {desc}")
            else:
                print(f"{name:<12} failed: {errors.get(name)}")
            result["candidates"][name] = row
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, "snapshot-candidates.json"), "w") as f:
                json.dump(result, f, indent=2)
                f.write("\n")
        return 0 if not errors else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if os.path.exists(shm_ram):
            os.unlink(shm_ram)


if __name__ == "__main__":
    sys.exit(main())
