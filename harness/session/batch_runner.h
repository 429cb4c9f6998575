// Runs a prepared batch in as many fresh VMs as it takes: boots, watches results, console and
// timeouts, restarts after a crash and resumes at the next case.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/common/kv.h"
#include "harness/kernel_log/console_parser.h"
#include "harness/verdict/verdict.h"
#include "harness/session/batch_builder.h"
#include "harness/vm/monitor.h"
#include "harness/vm/qemu_argv.h"

namespace mh::session {

struct CaseOutcome {
    int idx = 0;
    std::string id;
    std::optional<KvRecord> guest;  // the guest's result frame, if one arrived
    verdict::Observation observation;
    verdict::Judgement judgement;
    int vm_index = 0;  // which VM of the batch ran it (1-based)
    std::filesystem::path console_log;
    std::string console_excerpt;  // for KERNEL verdicts
};

// A kernel report printed while no case ran (after one case's result, before the next case
// started or the VM ended: deferred work, an RCU callback, an unload path). It is blamed on the
// case that ran last, marked "late", and on its VM; the case keeps its own verdict.
struct SessionEvent {
    std::string kind = "late-kernel-report";
    int after_idx = -1;  // the case that ran last in the VM
    std::string after_id;
    int vm_index = 0;
    std::filesystem::path console_log;
    std::vector<kernel_log::CrashReport> crashes;
    std::string console_excerpt;
};

// How a batch gets a fresh VM: a cold boot each time, or (vm/snapshot.h) one boot to the
// executor's ready point, saved, and every VM restored from it in a fraction of a boot.
enum class Reset { Boot, Snapshot };
std::string_view reset_name(Reset r);  // "boot", "snapshot"

struct RunnerOptions {
    Reset reset = Reset::Boot;
    // VMs running side by side, each on a contiguous share of the cases (its own restarts and
    // retries); with snapshot reset all are restored from one snapshot. 1: one VM at a time.
    int parallel_vms = 1;
    std::filesystem::path snapshot_ram_dir = "/dev/shm";  // where the snapshot's RAM file lives (tmpfs)
    // A vm::SnapshotCache: the batch's first snapshot is looked up there and, when it had to be
    // taken, kept there for later batches with the same initramfs. Empty: none. The batch's
    // token must then be the cache's (build_batch's BatchInputs::token).
    std::filesystem::path snapshot_cache_dir;
    vm::VmConfig vm;  // kernel, machine, accel, memory (initrd/logs are set per VM)
    vm::GuestCmdline cmdline;  // token and start are set per VM
    std::filesystem::path work_dir;  // console-N.log, results-N.bin, qemu-N.log
    std::chrono::seconds boot_timeout{60};
    std::chrono::seconds case_grace{20};  // host waits this much beyond a case's own timeout
    std::chrono::seconds idle_timeout{60};  // booted guest silent between cases for this long: kill
    // After a crash report appears on the console the guest gets this long to report and reboot
    // by itself (oops and WARN do, in well under a second); then the host kills it.
    std::chrono::seconds crash_grace{5};
    // A guest silent this long on console and results after a crash line is stopped before the
    // grace is out: after an oops it either reports within a few hundred milliseconds (measured
    // under TCG) or is stuck on a lock the oops left held.
    std::chrono::milliseconds crash_quiet{2000};
    int max_boot_failures = 3;  // consecutive VMs that produced nothing
    int first_vm_index = 1;  // number of the first VM (its console-N.log): a resumed run continues
    // A console log growing past this is a flood (a module printing in a loop): the VM is
    // stopped and the case in it gets vm_event "flood", so the log on disk stays bounded.
    std::uint64_t max_console_bytes = 64ull << 20;
    const std::atomic<bool>* interrupted = nullptr;
    std::function<void(const CaseOutcome&)> on_case;  // called once per case, as soon as it is final
    std::function<void(const SessionEvent&)> on_event;  // kernel reports between cases
    // Runs one VM; vm::monitor_vm unless set. Unit tests replace the VM with a script of frames.
    std::function<Expected<vm::MonitorResult>(const vm::MonitorOptions&)> monitor;
    std::function<void(std::string&)> tamper_results;  // tests only: vm::MonitorOptions::tamper_results
    // Tests only: called with the snapshot's state file each time one is taken (to corrupt it,
    // or to touch the initramfs so that the snapshot is stale).
    std::function<void(const std::filesystem::path&)> after_snapshot;
    // Why the batch must stop now, or "" to go on: asked before each VM boots, after every case
    // and every `stop_check_interval` while a VM runs. A reason stops the batch at once: the VM
    // is killed, nothing more is reported (a case in flight is left for --resume) and the reason
    // is returned in BatchStats::stopped. run_session stops on results it cannot store.
    std::function<std::string()> stop_check;
    std::chrono::milliseconds stop_check_interval{250};
    std::function<void(const std::string&)> on_progress;  // human progress lines
};

struct BatchStats {
    int vms = 0;
    int boot_failures = 0;
    int kernel_events = 0;  // VMs that ended in a crash/hang, and kernel reports between cases
    int late_kernel_events = 0;  // of those: reports between cases (SessionEvent)
    int results_lost = 0;  // cases whose result frame was lost or corrupt (each is run again once)
    double first_result_seconds = -1;  // first VM: QEMU start -> first result frame
    // Snapshot reset: VMs restored (the rest booted cold), the snapshot's cost (QEMU start ->
    // saved; -1: none taken) and, when it was given up, why (the batch booted cold from then on).
    int vms_restored = 0;
    int snapshots = 0;  // taken (a stale one is taken again)
    int snapshots_cached = 0;  // found in the snapshot cache instead of taken
    double snapshot_seconds = -1;
    std::string snapshot_fallback;
    double wall_seconds = 0;
    size_t bad_frames = 0;  // results-channel lines that failed their length or CRC check
    bool interrupted = false;
    std::string stopped;  // the stop_check reason that ended the batch early
    bool completed = false;  // every case has an outcome
};

Expected<BatchStats> run_batch(const PreparedBatch& batch, const RunnerOptions& options);

}  // namespace mh::session
