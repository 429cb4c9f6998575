// One job of a campaign: fuzz VMs one after another, their frames fed into the campaign's state.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "harness/campaign/campaign.h"
#include "harness/campaign/campaign_state.h"
#include "harness/campaign/crash_store.h"
#include "harness/campaign/fuzz_snapshot.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/campaign/seed_inputs.h"
#include "harness/campaign/sync_dir.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/session/results_sink.h"
#include "harness/vm/qemu_argv.h"

namespace mh::campaign {

// What the jobs of one campaign share, set up by run_campaign. The mutable parts are guarded by
// state.mu, except rng (rng_mu) and stop.
struct CampaignRun {
    const CampaignOptions& opt;
    const kernels::Kernel& kernel;
    std::filesystem::path executor;
    std::filesystem::path engine_binary;  // stripped
    vm::Accel accel;
    std::optional<long> tsc_khz;
    const std::vector<GuestFile>& environment;  // modules every VM loads first
    SeedInputs& seeds;  // a starting input that crashes the kernel is dropped
    FuzzSnapshot* snapshot;  // null: every VM boots
    SyncDir* sync_dir;  // --sync-dir (null: none); new corpus entries are exported there
    size_t max_len;
    uint64_t startup_execs;  // execs a VM spends on its starting inputs
    double end_at;  // campaign seconds (over all runs) when jobs stop
    CampaignState& state;
    CrashStore& crashes;
    session::ResultsSink& pcs_file;
    session::ResultsSink& curve_file;
    std::function<void(const std::string&)> say;
    std::mt19937_64 rng;  // engine seeds
    std::mutex rng_mu{};
    std::atomic<bool> stop{false};  // every job ends; state.stop_reason says why
};

// Job `id`: boots fuzz VMs one after another until the campaign's time is up, it is interrupted,
// or something stops the campaign (a failed write in --out, a broken engine, a VM that does not
// boot three times in a row). Crashes are recorded as each VM ends.
void run_job(CampaignRun& run, int id);

// One look at the sync dir: the other instances' new entries join the corpus (out/corpus, and the
// relay to running VMs). A failed write in --out stops the campaign as any other would.
void import_synced(CampaignRun& run);

}  // namespace mh::campaign
