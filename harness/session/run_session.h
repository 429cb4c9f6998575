// One run of a case list on one kernel: kernel, seeds, batch, accelerator, VMs, durable results.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/host/file_lock.h"
#include "harness/session/batch_runner.h"
#include "harness/session/free_space.h"
#include "harness/session/host_case.h"
#include "harness/session/result_json.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::session {

struct SessionOptions {
    std::string kernel = "debian-6.1-cloud";
    std::filesystem::path build_tree;  // for a user's bzImage
    bool fetch = true;  // download a missing Debian kernel
    std::string accel = "auto";  // auto | tcg | kvm
    std::string machine = "microvm";
    int memory_mb = 1024;
    std::string qemu = "qemu-system-x86_64";
    std::vector<std::string> guest_cmdline_extra;  // e.g. module.sig_enforce=1
    std::filesystem::path out_dir;  // results.jsonl, console logs
    std::filesystem::path executor;  // the guest /init
    std::chrono::seconds boot_timeout{60};
    Reset reset = Reset::Snapshot;  // how each VM starts (batch_runner.h)
    // Snapshot reset: snapshots kept here serve later runs of the same cases (vm/snapshot_cache.h;
    // the CLI's default is <cache>/snapshots). Empty: each batch takes its own.
    std::filesystem::path snapshot_cache;
    int parallel_vms = 1;  // VMs side by side on one batch (RunnerOptions::parallel_vms)
    bool resume = false;  // keep out_dir/results.jsonl, run only cases not in it
    // Free space out_dir must have before the initramfs is written, before each VM boots and
    // while one runs (0: never checked); less stops the run like a failed results write.
    std::uint64_t min_free_bytes = kDefaultMinFreeBytes;
    std::uint64_t max_console_bytes = 64ull << 20;  // per VM; past it the VM is stopped (see RunnerOptions)
    const std::atomic<bool>* interrupted = nullptr;
    std::function<void(const std::string&)> on_progress;
    std::function<void(const HostCase&, const CaseOutcome&)> on_case;
    std::function<void(std::string&)> tamper_results;  // tests only: see vm::MonitorOptions
    // Runs each VM; vm::monitor_vm unless set (RunnerOptions::monitor): a LAVA job's console
    // replayed (harness/lava), or a unit test's script of frames.
    std::function<Expected<vm::MonitorResult>(const vm::MonitorOptions&)> monitor;
    std::function<void(const std::filesystem::path&)> after_snapshot;  // tests only: see RunnerOptions
    MalformFn malform;  // default: the ELF malformation catalogue
    std::function<bool(const std::string&)> known_malformation;  // default: catalogue lookup
};

struct CaseRecord {
    HostCase host;
    CaseOutcome outcome;
};

struct SessionResult {
    size_t resumed = 0;  // cases taken from an earlier run's results.jsonl
    kernels::Kernel kernel;
    vm::Accel accel = vm::Accel::Tcg;
    std::string accel_reason;
    BatchStats stats;
    std::vector<CaseRecord> records;  // in case order; only cases that finished and were stored
    std::vector<SessionEvent> events;  // kernel reports between cases (recorded ones included)
    // Non-empty: the run stopped early because its results could not be stored (a failed
    // results.jsonl write, or too little free space in out_dir); says which file and why.
    // Every record above is in results.jsonl; --resume after freeing space runs the rest.
    std::string stopped;
    std::filesystem::path results_file;  // JSON lines, written as cases finish
};

// A session up to the first VM: kernel resolved, seeds built, every input resolved into the
// batch (image sizes known), earlier results read for --resume. Callers that judge cases by what
// the kernel and the images turned out to be (the conformance suite) set each case's expectation
// in `batch.cases` here, before the runner sees them.
struct PreparedSession {
    kernels::Kernel kernel;
    std::filesystem::path executor;
    PreparedBatch batch;
    RecordedResults recorded;
    std::filesystem::path snapshot_cache;  // SessionOptions::snapshot_cache, if its token could be had
    // Set when the session ended before a batch was built (too little free space in out_dir):
    // run_prepared returns it as it is.
    std::optional<SessionResult> ended_early;
    // The lock on out_dir (host/output_lock.h), held until the session is run.
    std::optional<host::FileLock> out_lock;
};

// Usage errors, before anything is fetched or booted: the same case id twice (across case
// files too); with --resume, results recorded on another kernel release.
Expected<PreparedSession> prepare_session(std::vector<HostCase> cases, const SessionOptions& options);
Expected<SessionResult> run_prepared(PreparedSession prepared, const SessionOptions& options);
// prepare_session + run_prepared.
Expected<SessionResult> run_session(std::vector<HostCase> cases, const SessionOptions& options);

// Where the guest executor binary is: $MH_EXECUTOR, else the build tree's.
std::filesystem::path default_executor_path();

}  // namespace mh::session
