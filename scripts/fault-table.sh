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
run guardbench bench/guest/guest_bench_refuses_on_host_test
run guardfuzz fuzz/guest/mh_fuzz_structured_refuses_on_host_test
run guardafl fuzz/guest/mh_afl_target_refuses_on_host_test
run guardc harness/guest_guard/guard_c_test
run repro harness/campaign/repro_test
run qemuargv harness/vm/qemu_argv_test
run token harness/vm/guest_token_test
run fuzzkernel tests/fuzz_kernel_vm_test
run fuzz tests/fuzz_vm_test
run crashstore harness/campaign/crash_store_test
run batchrunner harness/session/batch_runner_test
run resume harness/session/resume_check_test
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
 ("reliability", "CtrlCThenResume", "Ctrl-C (SIGINT) of modharness mid-batch, then the same command with --resume", "exit 130, no QEMU left; a rerun without --resume is refused (usage, exit 2); with --resume exit 0 and each of 40 cases recorded exactly once"),
 ("reliability", "SigkillLeavesNoQemuAndResumes", "SIGKILL of modharness mid-batch, then --resume", "QEMU dies with it (PDEATHSIG); --resume exit 0, each of 40 cases exactly once"),
 ("reliability", "OutPathWithACommaWorks", "--out in a directory whose name contains a comma (QEMU splits -chardev option lists at commas)", "exit 0; 3 cases, 3 records; no stray file from a split path"),
 ("qemuargv", "CommasInOptionValuesAreDoubled", "a comma in the console or results path", "doubled (,,) inside -chardev option lists; -kernel and -initrd paths passed whole"),
 ("token", "ShortReadIsAnError", "the random source for the guard token ends early (5 bytes; /dev/null)", "an environment error naming the byte count; no weak token is used"),
 ("token", "UnreadableSourceIsAnError", "the random source cannot be opened or read", "an environment error naming the source and errno"),
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
 ("guard", "RefusesAsOrdinaryProcess", "the guest executor started on the host", "exit 2, 'refusing to run' on stderr, no module syscall (seccomp would kill it)"),
 ("guard", "RefusesAsPid1OfPidNamespace", "the guest executor as PID 1 of a PID namespace on the host", "refuses (no initramfs root, no token), no module syscall"),
 ("guardbench", "RefusesAsOrdinaryProcess", "the guest bench /init started on the host", "exit 2, 'refusing to run' on stderr, no module syscall"),
 ("guardbench", "RefusesAsPid1OfPidNamespace", "the guest bench as PID 1 of a PID namespace on the host", "refuses, no module syscall"),
 ("guardfuzz", "RefusesAsOrdinaryProcess", "the libFuzzer engine (mh-fuzz-structured) started on the host", "exit 2, 'refusing to run' on stderr, no module syscall"),
 ("guardfuzz", "RefusesAsPid1OfPidNamespace", "the libFuzzer engine as PID 1 of a PID namespace on the host", "refuses, no module syscall"),
 ("guardafl", "RefusesAsOrdinaryProcess", "the AFL++ target (mh-afl-target) started on the host", "exit 2, 'refusing to run' on stderr, no module syscall"),
 ("repro", "EveryCallKindCompilesAndRefusesOnTheHost", "a generated repro.c compiled with cc and run on the host, as a process and as PID 1 of a PID namespace", "exit 2, 'repro: refusing to run: ...', no module syscall; no environment variable switches the guard off"),
 ("guardc", "SameVerdictsAsTheCppGuardInAFakeHarnessVm", "the reproducers' C guard and the C++ guard in a fake harness VM (tmpfs root, token file, kernel command line bound over /proc/cmdline): token matching, mismatching, missing, too short, no command-line word", "the same verdict from both; allowed only where token and command line agree"),
 ("fuzzkernel", "LoaderIsInstrumentedAndCasesRun/fuzz_6_12", "module writes one byte past a kmalloc'd buffer in init, on the KASAN fuzz kernel fuzz-6.12 (skipped where that kernel is not built)", "KERNEL 'KASAN: slab-out-of-bounds Write in mh_kasan_init'; VM replaced; next case PASS; then an oops, titled; 6 cases, 6 records"),
 ("fuzz", "BlackBoxCampaignOnAStockKernelStreamsAndResumes", "a fuzzing campaign whose inputs oops/WARN the kernel over and over (Debian 6.1, black box), stopped at its time budget and run again", "every crash event has a titled group (input kept when sent); corpus/PCs/curve on disk; the rerun resumes (cumulative time, execs, VMs grow); no QEMU left; another engine into the same --out refused (usage, exit 2)"),
 ("fuzz", "ReproReplaysAKernelCrashAndWritesAReproducer", "a crash input replayed in a fresh VM (modharness repro)", "REPRODUCED with the console title (exit 0); a C reproducer that compiles; a harmless input: 'did not reproduce' (exit 1)"),
 ("crashstore", "ReloadsAfterARestartAndSkipsATornLine", "the crash index torn by a power cut, then the campaign resumed", "the torn line is skipped; earlier titles are known (not new); repeats keep counting"),
 ("faults", "CorruptResultFrameIsRetriedThenBrok", "a result frame corrupted on the results channel (CRC fails) once for one case, twice for another, Debian 6.1", "the first case runs again alone in a fresh VM and PASSes; the second is BROK 'result lost' after its retry also loses it; 3 bad frames and 3 losses counted; each of 4 cases recorded exactly once"),
 ("batchrunner", "ResultLostTwiceIsBrokNotAVanishedCase", "a CRC-corrupted result frame, in the first VM and in the retry VM (scripted guest)", "one retry VM running only that case (modharness.start/stop), then BROK 'result lost'; every case exactly one outcome; bad_frames 2"),
 ("faults", "OopsBetweenCasesIsALateEventOfTheCaseBefore", "a module's work item oopses 300 ms after its load returned, while no case runs (settle_ms=2000), Debian 6.1", "both cases PASS; one late-kernel-report event of the case before and its VM, titled in mh_lateoops_work, counted as a kernel event; the next case runs in a fresh VM (taint D); 2 records + 1 event"),
 ("batchrunner", "OopsBetweenCasesIsALateEventOfTheCaseThatRanLast", "an oops printed after one case's result and before the next case starts (scripted guest)", "a late-kernel-report session event for the case that ran last and its VM, counted as a kernel event; both cases keep their verdicts"),
 ("reliability", "ResumeOnAnotherKernelIsRefused", "--resume of results recorded on another kernel release", "exit 2 naming both releases, no VM boots, the recorded line untouched"),
 ("reliability", "EditedCaseIsRerunOnResume", "a case line edited between a run and its --resume", "'case c1 changed since it was recorded: rerun' on stderr; only that case runs again (a second line with the new input_hash); exit 0"),
 ("resume", "BatchRerunsCasesWhoseInputChanged", "a recorded case whose case line or image file changed, or whose record has no input_hash", "run again; an unchanged case stays recorded"),
 ("hostile", "UsageErrors", "bad options, unknown command, --resume without --out", "one clear message, exit 2"),
 ("hostile", "BadCaseFiles", "missing, binary, duplicate-id (in one file and across two files), bad-key, bad-errno, empty case files; an unknown malformation with a non-kernel --kernel", "message names file:line (both places for a duplicate id), exit 2, before any kernel is resolved or VM boots (the malformation is reported before the kernel is looked at)"),
 ("hostile", "NotAKernelAndMissingQemu", "a file that is not a bzImage, a missing path, a kernel name no kernel can have, a package name not in the cache", "message names it; exit 3 (the name: exit 2 with the accepted forms); no VM booted"),
 ("hostile", "BadNumbersAreUsageErrors", "bad numbers for every numeric option: --rng-seed abc, --jobs 2x, --max-len -1, --boot-timeout -5, --memory 0, --duration -5m, --runs 1x, --top 5abc, --reps 2x...", "exit 2 before any work naming the option, the value and the accepted range; the cache stays empty (nothing fetched, built or booted)"),
 ("hostile", "UnknownNamesAreUsageErrorsBeforeAnyDownload", "unknown kernel (run, conform's second kernel, kernel fetch/info, seeds, accel, bench, fuzz), seed module (case file, seeds, fuzz --seeds), malformation (case file), --engine, --group", "exit 2 before any work with the valid names (similar malformation ids); the cache stays empty: no download, seed build or boot"),
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
            if t.get("result") == "SKIPPED" and "failures" not in t:
                results[(name, full)] = ("skipped", t.get("time", ""))  # what it needs is not here (e.g. the fuzz kernel)
                continue
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
states = [lookup(r[0], r[1])[0] for r in rows]
print("wrote", out, "-", states.count("pass"), "of", len(rows), "rows pass,", states.count("skipped"), "skipped")
PY
