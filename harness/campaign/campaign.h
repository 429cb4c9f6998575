// A fuzzing campaign: N VMs (jobs) each running an engine against the kernel's loader, restarted
// after every crash, for a wall-time budget. Everything lands in --out as it happens (corpus,
// reached PCs, coverage curve, crashes), so a killed campaign loses nothing and re-running the
// same command continues it (corpus, PCs, stats and known crash titles are reloaded).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::campaign {

// libfuzzer: structure-aware (our mutator core); libfuzzer-bytes: libFuzzer's default byte
// mutation; random: fresh random ET_EXEC-style images (the syscall-fuzzer baseline); aflpp: AFL++
// with our custom mutator.
const std::vector<std::string>& engine_names();

struct CampaignOptions {
    std::string kernel = "fuzz-6.12";
    std::string engine = "libfuzzer";
    double duration_s = 600;
    int jobs = 1;
    std::filesystem::path out;
    std::string accel = "auto";
    std::vector<std::string> seeds;  // seed module names; empty: default_fuzz_seed_names()
    std::vector<std::filesystem::path> seed_files;  // extra encoded or raw inputs
    int memory_mb = 1024;
    uint64_t rng_seed = 0;  // 0: time-based
    size_t max_len = 0;  // 0: 1.5 x the largest seed
    std::vector<double> checkpoints = {60, 300, 600, 1800};
    std::string weights;  // mutator step mix for the structure-aware engines ("" = default)
    std::vector<std::string> known_titles;  // crash titles not counted as new (e.g. from a triage list)
    std::filesystem::path guest_fuzz_dir;  // where mh-fuzz-* are (empty: the build's)
    std::filesystem::path executor;  // empty: the build's
    // Loader coverage: predicate over PCs and the ceiling (sites in kernel/module/*.c); optional.
    std::function<bool(uint64_t)> is_loader_site;
    size_t loader_ceiling = 0;
    const std::atomic<bool>* interrupted = nullptr;
    std::function<void(const std::string&)> progress;  // one line per call
    // Fuzz VMs are restored from a snapshot of the ready guest (fuzz_snapshot.h: taken once, again
    // when the seed set changes) instead of booted, the corpus reaching them through fw_cfg;
    // false: every VM boots (--reset boot).
    bool snapshot_reset = true;
    std::filesystem::path snapshot_cache;  // a SnapshotCache for that snapshot (empty: none)
    // The VMs of the campaign feed each other's finds through the engines' own sync (sync.h):
    // peer inputs relayed into running restored VMs; AFL++ as -M main and -S secondaries. False
    // (--no-sync): each VM sees only the corpus it started with.
    bool sync = true;
    // Shared with other campaigns, on this host or others (NFS, rsync): AFL++'s distributed
    // layout, DIR/<instance>/queue/id:NNNNNN,orig:<name>; this campaign exports its finds there and
    // imports the other instances'. Empty: none.
    std::filesystem::path sync_dir;
    std::string instance;  // this campaign's name in sync_dir (unique per campaign)
};

struct CurvePoint {
    double t = 0;
    uint64_t execs = 0;
    size_t pcs = 0;
    size_t loader = 0;
    int crashes = 0;
};

struct CampaignSummary {
    std::string engine, kernel, release, feedback;
    double elapsed_s = 0;  // cumulative over resumed runs
    double engine_s = 0;  // VM-seconds the engine was running (sum over jobs)
    double restart_s = 0;  // VM-seconds lost to boots (or restores) and shutdowns
    int vms_restored = 0;  // VMs of this run restored from the snapshot instead of booted
    uint64_t execs = 0, loaded = 0;
    int vms = 0;
    size_t pcs = 0, loader = 0, loader_ceiling = 0;
    size_t corpus = 0;
    int crash_events = 0;
    std::vector<std::string> titles;  // distinct, all runs
    std::vector<std::string> new_titles;  // first seen in this run and not known
    std::map<int, uint64_t> errnos;  // errno -> failed calls (0 not included)
    // Guest seconds per exec phase (protocol::kExecPhaseNames) over this run's VMs, and the execs
    // they cover: where a structure-aware exec's time goes.
    std::map<std::string, double> exec_split_s;
    uint64_t exec_split_execs = 0;
    std::vector<CurvePoint> checkpoints;  // coverage at the requested times (when reached)
    // Sync (this run): peer inputs sent into running VMs, and written by their guests for the
    // engine; finds exported to and imported from --sync-dir.
    uint64_t relayed = 0, vm_imported = 0, sync_exported = 0, sync_imported = 0;
    uint64_t engine_imported = 0;  // the engines' own count (Totals::engine_imported)
    std::string sync_dir, instance;
    bool interrupted = false;
    std::string stop_reason;  // "" when the budget ran out normally
    bool storage_error = false;  // the stop was a failed write in --out
};

Expected<CampaignSummary> run_campaign(const CampaignOptions& options);

// A guest libFuzzer binary: mh-fuzz-<variant> (structured, bytes, random) in `dir`, else in
// $MH_GUEST_FUZZ_DIR, else where this build put it. Error when it is not there.
Expected<std::filesystem::path> guest_fuzzer_path(const std::string& variant, const std::filesystem::path& dir = {});

std::string summary_json(const CampaignSummary& s);
std::string summary_table(const CampaignSummary& s);

}  // namespace mh::campaign
