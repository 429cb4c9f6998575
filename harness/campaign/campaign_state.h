// A campaign's counters and coverage while it runs (shared by its jobs), and campaign.json, which
// carries them over to the next run of the same campaign.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "harness/campaign/campaign.h"
#include "harness/common/expected.h"
#include "harness/session/results_sink.h"

namespace mh::campaign {

using Clock = std::chrono::steady_clock;

// Counters of finished VMs and of earlier runs: what campaign.json holds.
struct Totals {
    double elapsed_s = 0;  // wall time
    double engine_s = 0;  // VM-seconds the engine was running
    double restart_s = 0;  // VM-seconds lost to boots and shutdowns
    uint64_t execs = 0, loaded = 0;
    int vms = 0;
    std::string feedback;  // the engines' feedback kind, as they last reported it
    std::map<int, uint64_t> errnos;
    // Guest time per exec phase (protocol::ExecPhase index -> microseconds) of this run's
    // finished VMs; not in campaign.json (a resumed run starts it again).
    std::map<int, uint64_t> phases_us;
    uint64_t phase_execs = 0;  // the execs phases_us covers
    // Sync counters of this run (not in campaign.json): peer inputs sent into running VMs,
    // written by the guests for their engines; finds exported to and imported from --sync-dir.
    uint64_t relayed = 0, vm_imported = 0, sync_exported = 0, sync_imported = 0;
    // The engines' own word on what they took from peers: libFuzzer RELOAD events (a corpus
    // re-read that added coverage), AFL++'s corpus_imported; summed over VMs that ended.
    uint64_t engine_imported = 0;
};

// campaign.json's text: the campaign's engine and kernel, `t`, the crash events so far, and
// whether this is the last write of a run.
std::string state_file_text(const std::string& engine, const std::string& kernel, const Totals& t, int crash_events, bool final_write);
// The totals in an earlier run's campaign.json. Error when it is not a campaign state file or is
// one of another engine or kernel (the messages name opt.out).
Expected<Totals> parse_state_file(const std::string& text, const CampaignOptions& opt);

// Shared by the job threads; every member is guarded by mu.
struct CampaignState {
    std::mutex mu;
    Totals totals;  // finished VMs and earlier runs (elapsed_s: earlier runs)
    std::unordered_set<uint64_t> pcs;
    size_t loader = 0;  // how many of pcs are loader sites
    std::string pcs_pending;  // new PCs not yet in pcs.txt, a hex line each
    std::set<std::string> corpus_names;
    // Corpus entries of this run in arrival order and where they came from (a job's index, or
    // kFromSyncDir): what running VMs are relayed (each from the point its VM started).
    std::vector<std::pair<std::string, int>> corpus_log;
    static constexpr int kFromSyncDir = -1;
    bool sync_export_failed = false;  // said once
    std::vector<uint64_t> vm_execs, vm_loaded;  // per job: the running VM's counters
    std::vector<bool> stage_pending;  // per job: its next VM gets the dictionary stage
    std::vector<std::map<int, uint64_t>> vm_errnos;
    std::vector<std::map<int, uint64_t>> vm_phases_us;
    std::vector<uint64_t> vm_imported;  // per job: the running VM's imported peer inputs
    std::vector<CurvePoint> curve;
    Clock::time_point started;
    double last_curve = -1e9, last_progress = 0;
    std::string stop_reason;
    bool storage_error = false;  // stop_reason is a failed write in --out (exit 4, not 3)

    // This run starts now with `jobs` jobs.
    void start(int jobs);
    double elapsed() const { return totals.elapsed_s + std::chrono::duration<double>(Clock::now() - started).count(); }
    uint64_t execs() const;
    // The totals as of now: this run's time and the running VMs' counters added.
    Totals now() const;
};

// Loads what earlier runs of the campaign left in opt.out: campaign.json's totals, the PCs reached
// (pcs.txt), the coverage curve (coverage.jsonl) and the corpus file names. True when there was a
// campaign.json; an error when it belongs to another campaign.
Expected<bool> load_state(CampaignState& st, const CampaignOptions& opt);
// Writes campaign.json (durably: a failure leaves the last one and stops the campaign, exit 4).
Status save_state(const CampaignState& st, const CampaignOptions& opt, int crash_events, bool final_write);
// A point of the coverage curve, now: kept in memory and appended to coverage.jsonl.
void add_curve_point(CampaignState& st, int crash_events, session::ResultsSink& curve_file);

}  // namespace mh::campaign
