#!/usr/bin/env bash
# Runs the fault-injection and hostile-input tests and writes the faults x outcomes table
# (docs/fault-table.md by default). Every row is one test that asserts the outcome it names,
# including "each case recorded exactly once" where results are involved.
# Usage: scripts/fault-table.sh [OUT.md]      (needs a build: scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${MH_BUILD_DIR:-build}
OUT=${1:-docs/fault-table.md}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
B=$(realpath "$B")
export MH_BUILD_DIR="$B" MH_SOURCE_DIR="$PWD"
run() {  # binary name, path
  "$B/$2" --gtest_output="json:$TMP/$1.json" >"$TMP/$1.log" 2>&1 || true
}
run faults tests/faults_vm_test
run reliability tests/reliability_vm_test
run diskfull tests/disk_full_vm_test
run sink harness/session/results_sink_test
run hostile tests/cli_hostile_test
run frames harness/protocol/frame_test
run results harness/session/result_json_test
run runner harness/executor/case_runner_test
run guard harness/executor/executor_refuses_on_host_test
run fuzzkernel tests/fuzz_kernel_vm_test
run fuzz tests/fuzz_vm_test
run crashstore harness/campaign/crash_store_test
run files harness/common/files_test
run process harness/host/process_test
run durable tests/cli_durable_test
python3 - "$TMP" "$OUT" <<'PY'
import json, sys, os, datetime
tmp, out = sys.argv[1], sys.argv[2]
# test -> (fault injected, expected outcome)
rows = [
 ("faults", "KernelEventsAreContainedAndTitled/debian_6_1_cloud", "module oopses in init (NULL write), Debian 6.1", "KERNEL 'BUG: kernel NULL pointer dereference in mh_oops_init'; VM replaced; next case PASS; 10 cases, 10 records"),
 ("faults", "KernelEventsAreContainedAndTitled/debian_6_1_cloud", "module WARNs in init, Debian 6.1", "KERNEL 'WARNING in mh_warn_init'; VM replaced; next case PASS"),
 ("faults", "KernelEventsAreContainedAndTitled/debian_6_1_cloud", "module hangs in init longer than the case timeout, Debian 6.1", "KERNEL 'hang: call did not return' after 3 s; VM replaced; next case PASS"),
 ("faults", "KernelEventsAreContainedAndTitled/debian_6_12_cloud", "the same three faults, Debian 6.12", "same outcomes, 4 VMs for 3 events"),
 ("faults", "GuestOutOfMemoryIsContained", "module exhausts guest memory in init (OOM killer runs), Debian 6.1", "KERNEL 'out of memory in mh_oom_init' (kind oom; the loading task SIGKILLed); VM replaced; next case PASS; 3 cases, 3 records"),
 ("faults", "ConsoleFloodIsJudgedAndTheLogBounded", "module prints 20,000 console warnings in init; another would print 2,000,000, Debian 6.1", "the first is judged (PASS), the same VM goes on, the record's kernel log is cut short; the second is stopped at the console limit (KERNEL 'console flood'), its log under twice the limit; next case PASS; 4 cases, 4 records"),
 ("reliability", "CtrlCThenResume", "Ctrl-C (SIGINT) of modharness mid-batch, then the same command with --resume", "exit 130, no QEMU left; a rerun without --resume is refused (exit 3); with --resume exit 0 and each of 40 cases recorded exactly once"),
 ("reliability", "SigkillLeavesNoQemuAndResumes", "SIGKILL of modharness mid-batch, then --resume", "QEMU dies with it (PDEATHSIG); --resume exit 0, each of 40 cases exactly once"),
 ("reliability", "QemuKilledMidCaseIsRetriedNotBlamedOnTheKernel", "QEMU killed (SIGKILL) from outside during a case", "the case reruns in a fresh VM (progress says 'QEMU was killed'); 3 cases, 3 records"),
 ("diskfull", "ResultsWriteFailsStopsCleanlyAndResumes", "results.jsonl's filesystem full mid-run (write fails with ENOSPC)", "exit 4, 'stopped: cannot write OUT/results.jsonl: No space left on device (ENOSPC)'; no QEMU left; the records before are whole, in order, once each; --resume after freeing space: exit 0, each of 40 cases once"),
 ("diskfull", "OutDirFillingUpStopsBeforeEvidenceIsLost", "another process fills the --out filesystem mid-run", "stops once less than --min-free (1 MiB) is free, before QEMU's console/results writes can fail: exit 4, message names the directory and sizes; no QEMU left; records whole; --resume while still full stops before any VM boots; after freeing space each of 200 cases once"),
 ("sink", "ShortWriteIsCutBackToTheLastWholeLine", "a results.jsonl append that is cut short (EFBIG after a partial write)", "error names the file and errno; the partial line is cut off; later appends continue cleanly"),
 ("results", "TornLastLineIsCutAndGarbageSkipped", "results.jsonl with a torn last line (power cut) and a garbage line", "both dropped and counted; the file is cut back to its last newline so appending continues cleanly"),
 ("frames", "CorruptionIsDetected", "every single-bit corruption of a result frame on the serial channel", "the frame is rejected (length/CRC), the next frame still decodes"),
 ("frames", "GarbageAndTruncationBetweenFrames", "garbage, NUL/0xff bytes and a truncated frame between frames", "only valid frames decode; bad ones counted"),
 ("runner", "HangTimesOutAndPoisons", "a call that never returns (fake kernel)", "timed_out recorded; the VM is marked poisoned and rebooted"),
 ("runner", "ChildKilledBySignalPoisons", "the calling task is killed (what an oops does)", "signal recorded; VM poisoned"),
 ("runner", "SetupErrorIsBrokenNotACall", "a case whose input cannot be set up", "setup_error (verdict BROK); no syscall made"),
 ("guard", "RefusesAsOrdinaryProcess", "the guest executor started on the host", "exit 2, no module syscall (seccomp would kill it)"),
 ("guard", "RefusesAsPid1OfPidNamespace", "the guest executor as PID 1 of a PID namespace on the host", "refuses (no token), no module syscall"),
 ("fuzzkernel", "LoaderIsInstrumentedAndCasesRun", "module writes one byte past a kmalloc'd buffer in init, on the KASAN fuzz kernel (skipped where that kernel is not built)", "KERNEL 'KASAN: slab-out-of-bounds Write in mh_kasan_init'; VM replaced; next case PASS; then an oops, titled; 6 cases, 6 records"),
 ("fuzz", "BlackBoxCampaignOnAStockKernelStreamsAndResumes", "a fuzzing campaign whose inputs oops/WARN the kernel over and over (Debian 6.1, black box), stopped at its time budget and run again", "every crash event has a titled group (input kept when sent); corpus/PCs/curve on disk; the rerun resumes (cumulative time, execs, VMs grow); no QEMU left; another engine into the same --out refused (exit 3)"),
 ("fuzz", "ReproReplaysAKernelCrashAndWritesAReproducer", "a crash input replayed in a fresh VM (modharness repro)", "REPRODUCED with the console title (exit 0); a C reproducer that compiles; a harmless input: 'did not reproduce' (exit 1)"),
 ("crashstore", "ReloadsAfterARestartAndSkipsATornLine", "the crash index torn by a power cut, then the campaign resumed", "the torn line is skipped; earlier titles are known (not new); repeats keep counting"),
 ("hostile", "UsageErrors", "bad options, unknown command, --resume without --out", "one clear message, exit 2"),
 ("hostile", "BadCaseFiles", "missing, binary, duplicate-id, bad-key, bad-errno, empty case files", "message names file:line, exit 2"),
 ("hostile", "NotAKernelAndMissingQemu", "a file that is not a bzImage, a missing path, an unknown kernel name", "message names it, exit 3, no VM booted"),
 ("hostile", "BadRunsForDiff", "diff of missing / wrong-schema runs", "message names the file, exit 2"),
 ("files", "AtomicWriteOnAFullFilesystemKeepsTheOldFile", "durable write (campaign.json, conformance.json, reports) on a full filesystem (64 KiB tmpfs, ENOSPC)", "storage error naming the file and ENOSPC; the old file whole; no temporary left"),
 ("files", "AtomicWriteOnAReadOnlyFilesystemKeepsTheOldFile", "durable write on a filesystem remounted read-only", "storage error naming the file and EROFS; the old file whole; no temporary left"),
 ("files", "AtomicWriteBeyondTheFileSizeLimitKeepsTheOldFile", "durable write past the file size limit (RLIMIT_FSIZE: EFBIG mid-write)", "storage error naming the file and EFBIG; the old file whole; no temporary left"),
 ("durable", "OutputOnAFullFilesystemIsExit4AndKeepsTheOldFile", "modharness writes its output onto a full filesystem (16 KiB tmpfs)", "exit 4, 'cannot write OUT (write): No space left on device (ENOSPC)'; the old file whole; no temporary left"),
 ("durable", "OutputOnAReadOnlyFilesystemIsExit4AndKeepsTheOldFile", "modharness writes its output onto a read-only filesystem", "exit 4, the error names EROFS; the old file whole; no temporary left"),
 ("durable", "SecondRunIntoALockedOutIsRefusedAtOnce", "two runs on one --out (the first holds OUT/.modharness.lock)", "the second: exit 2 at once, 'output directory OUT is in use by another modharness run (pid N)', nothing written; once released the same command proceeds"),
 ("durable", "CtrlCDuringAKernelFetchStopsItCleanly", "Ctrl-C (SIGINT) during `modharness kernel fetch` while apt-get downloads", "exit 130 within 8 s; no .fetch-* directory left; no apt-get or dpkg-deb left running"),
 ("durable", "CtrlCDuringASeedBuildStopsMake", "Ctrl-C (SIGINT) during a seed module build (make)", "exit 130 within 8 s; no make or compiler left running; no half-built seed directory"),
 ("process", "InterruptKillsTheWholeProcessGroupPromptly", "Ctrl-C while a tool with children runs (the flag every wait loop checks; make, apt-get, kernel build-fuzz)", "interrupted error within 3 s; the tool's whole process group gone before the caller goes on (a build lock is released only then)"),
]
results = {}
for name in set(r[0] for r in rows):
    path = os.path.join(tmp, name + ".json")
    if not os.path.exists(path):
        continue
    data = json.load(open(path))
    for suite in data.get("testsuites", []):
        for t in suite.get("testsuite", []):
            full = t["name"]
            ok = "failures" not in t and t.get("result", "COMPLETED") == "COMPLETED" and t.get("status", "RUN") == "RUN"
            results[(name, full)] = ("pass" if ok else "FAIL", t.get("time", ""))
def lookup(name, test):
    for (n, full), v in results.items():
        if n == name and full.endswith(test):
            return v
    return ("not run", "")
lines = ["# Faults x outcomes", "",
         f"Produced by `scripts/fault-table.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC. Each row is a test that",
         "injects the fault and asserts the outcome; 'pass' means every assertion held, including that no",
         "result record was lost or duplicated where results are involved.", "",
         "| fault injected | expected outcome (asserted) | test | result | time |", "|---|---|---|---|---|"]
for name, test, fault, outcome in rows:
    res, time = lookup(name, test)
    lines.append(f"| {fault} | {outcome} | `{name}: {test}` | {res} | {time} |")
lines += ["", "The soak (conformance and fuzzing alternated; leftover processes and files, host memory) is reported separately: docs/soak.md (scripts/soak.sh)."]
open(out, "w").write("\n".join(lines) + "\n")
print("wrote", out, "-", sum(1 for r in rows if lookup(r[0], r[1])[0] == "pass"), "of", len(rows), "rows pass")
PY
