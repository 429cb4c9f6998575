// Campaign driver: checks, resume, seeds, then jobs x VMs streaming state to --out (see campaign.h).
#include "harness/campaign/campaign.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "harness/common/error_kind.h"
#include "harness/campaign/campaign_job.h"
#include "harness/campaign/campaign_state.h"
#include "harness/campaign/check_options.h"
#include "harness/campaign/crash_store.h"
#include "harness/campaign/engine_run.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/campaign/progress.h"
#include "harness/campaign/seed_inputs.h"
#include "harness/campaign/sync_dir.h"
#include "harness/common/files.h"
#include "harness/protocol/shared_state.h"
#include "harness/host/file_tail.h"
#include "harness/host/output_lock.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/session/accel_probe.h"
#include "harness/session/results_sink.h"
#include "harness/session/run_session.h"
#include "harness/vm/qemu_argv.h"

namespace mh::campaign {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using Say = std::function<void(const std::string&)>;

// Seeds: built for this kernel, stripped, encoded; plus the caller's files.
Expected<SeedInputs> starting_inputs(const CampaignOptions& opt, const kernels::Kernel& kernel, const Say& say) {
    const std::vector<std::string> seed_names = opt.seeds.empty() ? default_fuzz_seed_names() : opt.seeds;
    say("building seed modules (" + std::to_string(seed_names.size()) + ") for " + kernel.release + " ...");
    auto seeds = build_seed_inputs(kernel, seed_names, opt.out / "work", opt.interrupted);
    if (!seeds) return seeds.error();
    for (const auto& f : opt.seed_files) {
        auto text = read_text_file(f);
        if (!text) return with_context("seed file: ", text.error());
        seeds->inputs.push_back({f.filename().string(), mutate::Bytes(text->begin(), text->end()), ""});
    }
    // The dictionary stage is the structure-aware mutator's own deterministic work, not a seed:
    // libFuzzer's byte mutation and the random baseline do not get it.
    if (opt.engine != "libfuzzer" && opt.engine != "aflpp") seeds->stage.clear();
    return seeds;
}

// Writes the encoded starting inputs to out/seeds, for the record. Returns the engines' input
// size limit: --max-len, else 1.5 x the largest starting input + 4 KiB.
Expected<size_t> keep_seeds(const CampaignOptions& opt, const SeedInputs& seeds) {
    std::error_code ec;
    size_t largest = 0;
    fs::create_directories(opt.out / "seeds", ec);
    for (const auto* list : {&seeds.inputs, &seeds.stage})
        for (const auto& s : *list) {
            largest = std::max(largest, s.bytes.size());
            MH_TRY(write_file_atomic(opt.out / "seeds" / s.name, std::string(s.bytes.begin(), s.bytes.end())));
        }
    return opt.max_len ? opt.max_len : largest + largest / 2 + 4096;
}

// The campaign's summary once its jobs have ended (caller holds st.mu). `known`: titles that are
// not new.
CampaignSummary summarise(const CampaignOptions& opt, const std::string& release, const CampaignState& st, const CrashStore& crashes,
                          const std::set<std::string>& known) {
    CampaignSummary s;
    s.engine = opt.engine;
    s.kernel = opt.kernel;
    s.release = release;
    s.feedback = st.totals.feedback;
    s.elapsed_s = st.elapsed();
    s.engine_s = st.totals.engine_s;
    s.restart_s = st.totals.restart_s;
    s.execs = st.totals.execs;
    s.loaded = st.totals.loaded;
    s.vms = st.totals.vms;
    s.pcs = st.pcs.size();
    s.loader = st.loader;
    s.loader_ceiling = opt.loader_ceiling;
    s.corpus = st.corpus_names.size();
    s.crash_events = crashes.events();
    for (const auto& [t, g] : crashes.groups()) {
        s.titles.push_back(t);
        if (g.new_this_run && !known.count(t)) s.new_titles.push_back(t);
    }
    s.errnos = st.totals.errnos;
    s.relayed = st.totals.relayed;
    s.vm_imported = st.totals.vm_imported;
    s.sync_exported = st.totals.sync_exported;
    s.sync_imported = st.totals.sync_imported;
    s.engine_imported = st.totals.engine_imported;
    s.sync_dir = opt.sync_dir.string();
    s.instance = opt.sync_dir.empty() ? "" : opt.instance;
    for (auto [p, us] : st.totals.phases_us)
        if (p >= 0 && static_cast<size_t>(p) < protocol::kExecPhases)
            s.exec_split_s[protocol::kExecPhaseNames[p]] = static_cast<double>(us) / 1e6;
    s.exec_split_execs = st.totals.phase_execs;
    for (double cp : opt.checkpoints) {
        const CurvePoint* best = nullptr;
        for (const auto& p : st.curve)
            if (p.t <= cp + 2.5) best = &p;
        if (best && (st.curve.back().t >= cp - 2.5)) {
            CurvePoint at = *best;
            at.t = cp;
            s.checkpoints.push_back(at);
        }
    }
    s.interrupted = opt.interrupted && opt.interrupted->load();
    s.stop_reason = st.stop_reason;
    s.storage_error = st.storage_error;
    return s;
}

}  // namespace

Expected<CampaignSummary> run_campaign(const CampaignOptions& opt) {
    auto say = [&](const std::string& s) {
        if (opt.progress) opt.progress(s);
    };
    MH_TRY(check_options(opt));
    auto kernel = kernels::resolve_kernel(opt.kernel, false);
    if (!kernel) return kernel.error();
    const fs::path executor = opt.executor.empty() ? session::default_executor_path() : opt.executor;
    std::error_code ec;
    if (!fs::exists(executor, ec)) return environment_error("guest executor not found at " + executor.string());

    // Held until the campaign returns: a second fuzz run into this --out is refused at once.
    MH_TRY_ASSIGN(out_lock, host::lock_output_dir(opt.out));
    fs::create_directories(opt.out / "corpus", ec);
    if (ec) return storage_error("cannot create " + (opt.out / "corpus").string() + ": " + ec.message());

    // Continue an earlier run of the same campaign.
    CampaignState st;
    MH_TRY_ASSIGN(resumed, load_state(st, opt));
    if (resumed) say("resuming the campaign in " + opt.out.string() + " at " + clock_text(st.totals.elapsed_s));
    CrashStore crashes(opt.out);
    MH_TRY(crashes.load());
    std::set<std::string> known(opt.known_titles.begin(), opt.known_titles.end());
    for (const auto& [t, g] : crashes.groups()) known.insert(t);

    MH_TRY_ASSIGN(seeds, starting_inputs(opt, *kernel, say));
    // A VM runs every starting input before it fuzzes (AFL++ calibrates each, AFL_FAST_CAL: 3 runs).
    const uint64_t startup_execs = (seeds.inputs.size() + seeds.stage.size()) * (opt.engine == "aflpp" ? 3 : 1);
    MH_TRY_ASSIGN(environment, environment_files(*kernel, opt.out / "work"));
    MH_TRY_ASSIGN(max_len, keep_seeds(opt, seeds));

    auto accel = session::accel_from_option(opt.accel, kernel->bzimage, executor, "qemu-system-x86_64");
    if (!accel) return accel.error();
    const auto tsc = vm::tsc_khz_from_cpuinfo(read_text_file("/proc/cpuinfo").value_or(""));
    // Engine binaries are packed without debug info (7 MB -> 1 MB of initramfs).
    MH_TRY_ASSIGN(probe, engine_run(opt, 1, 1, max_len));
    const fs::path engine_binary = stripped_copy(probe.binary, opt.out / "work" / "bin");

    MH_TRY_ASSIGN(pcs_file, session::ResultsSink::open(opt.out / "pcs.txt"));
    MH_TRY_ASSIGN(curve_file, session::ResultsSink::open(opt.out / "coverage.jsonl"));

    // Fuzz VMs restored from one snapshot of the ready guest instead of booted; the campaign's own
    // lines say when it is taken, found in the cache, or given up.
    std::unique_ptr<FuzzSnapshot> snapshot;
    if (opt.snapshot_reset) snapshot = std::make_unique<FuzzSnapshot>(opt.out / "work" / "snapshot", opt.snapshot_cache, say);
    std::optional<SyncDir> sync_dir;
    if (!opt.sync_dir.empty()) {
        MH_TRY_ASSIGN(sd, SyncDir::open(opt.sync_dir, opt.instance));
        sync_dir.emplace(std::move(sd));
    }

    st.start(opt.jobs);
    CampaignRun run{.opt = opt,
                    .kernel = *kernel,
                    .executor = executor,
                    .engine_binary = engine_binary,
                    .accel = accel->accel,
                    .tsc_khz = tsc,
                    .environment = environment,
                    .seeds = seeds,
                    .snapshot = snapshot.get(),
                    .sync_dir = sync_dir ? &*sync_dir : nullptr,
                    .max_len = max_len,
                    .startup_execs = startup_execs,
                    .end_at = st.totals.elapsed_s + opt.duration_s,
                    .state = st,
                    .crashes = crashes,
                    .pcs_file = pcs_file,
                    .curve_file = curve_file,
                    .say = say,
                    .rng = std::mt19937_64(opt.rng_seed ? opt.rng_seed : static_cast<uint64_t>(Clock::now().time_since_epoch().count()))};

    say("fuzzing " + kernel->release + " with " + opt.engine + " for " + clock_text(opt.duration_s) + " (" + std::to_string(opt.jobs) +
        " job" + (opt.jobs > 1 ? "s" : "") + ", " + std::string(accel->accel == vm::Accel::Kvm ? "kvm" : "tcg") + ", out " +
        opt.out.string() + ")");
    if (sync_dir) {
        import_synced(run);  // what the other instances have so far goes into the first VMs
        say("sync dir " + opt.sync_dir.string() + " as instance " + opt.instance + ": " + std::to_string(st.totals.sync_imported) +
            " entries imported from other instances");
    }
    if (relays_peers(opt)) say("the VMs share their finds while they run (peer inputs relayed into restored VMs)");
    std::vector<std::thread> threads;
    for (int i = 0; i < opt.jobs; ++i) threads.emplace_back(run_job, std::ref(run), i);
    // The sync dir is looked at every 5 s while the jobs run.
    std::atomic<bool> jobs_done{false};
    std::thread syncer;
    if (sync_dir)
        syncer = std::thread([&] {
            for (int tick = 0; !jobs_done; ++tick) {
                std::this_thread::sleep_for(std::chrono::milliseconds(250));
                if (tick % 20 == 19) import_synced(run);
            }
        });
    for (auto& t : threads) t.join();
    jobs_done = true;
    if (syncer.joinable()) syncer.join();

    std::lock_guard lock(st.mu);
    add_curve_point(st, crashes.events(), curve_file);
    if (auto s = save_state(st, opt, crashes.events(), true); !s && !st.storage_error) {
        st.stop_reason = s.error().message;
        st.storage_error = true;
    }
    CampaignSummary summary = summarise(opt, kernel->release, st, crashes, known);
    if (snapshot) summary.vms_restored = snapshot->restored();
    return summary;
}

std::string summary_json(const CampaignSummary& s) {
    json j;
    j["schema"] = "modharness.fuzz-summary/1";
    j["engine"] = s.engine;
    j["kernel"] = s.kernel;
    j["release"] = s.release;
    j["feedback"] = s.feedback;
    j["elapsed_s"] = s.elapsed_s;
    j["engine_vm_s"] = s.engine_s;
    j["restart_vm_s"] = s.restart_s;
    j["execs"] = s.execs;
    j["execs_per_vm_s"] = s.engine_s > 0 ? static_cast<double>(s.execs) / s.engine_s : 0;
    j["loaded"] = s.loaded;
    j["vms"] = s.vms;
    j["vms_restored"] = s.vms_restored;
    j["pcs"] = s.pcs;
    j["loader_sites_reached"] = s.loader;
    j["loader_sites_total"] = s.loader_ceiling;
    j["loader_share"] = s.loader_ceiling ? static_cast<double>(s.loader) / static_cast<double>(s.loader_ceiling) : 0;
    j["corpus"] = s.corpus;
    j["crash_events"] = s.crash_events;
    j["crash_titles"] = s.titles;
    j["new_crash_titles"] = s.new_titles;
    uint64_t enoexec = 0;
    json ej = json::object();
    for (auto [e, n] : s.errnos) {
        ej[std::to_string(e)] = n;
        if (e == 8) enoexec = n;
    }
    j["errnos"] = ej;
    j["exec_split_s"] = s.exec_split_s;
    j["exec_split_execs"] = s.exec_split_execs;
    // Share of calls the ELF validity checks (ENOEXEC) did not reject.
    j["past_elf_checks_share"] = s.execs ? 1.0 - static_cast<double>(enoexec) / static_cast<double>(s.execs) : 0;
    json cps = json::array();
    for (const auto& p : s.checkpoints)
        cps.push_back({{"t", p.t}, {"execs", p.execs}, {"pcs", p.pcs}, {"loader", p.loader}, {"crashes", p.crashes}});
    j["checkpoints"] = cps;
    j["sync"] = {{"relayed_to_vms", s.relayed},
                 {"imported_by_vms", s.vm_imported},
                 {"engine_imported", s.engine_imported},
                 {"sync_dir", s.sync_dir.empty() ? json(nullptr) : json(s.sync_dir)},
                 {"instance", s.instance.empty() ? json(nullptr) : json(s.instance)},
                 {"exported", s.sync_exported},
                 {"imported_from_instances", s.sync_imported}};
    j["interrupted"] = s.interrupted;
    j["stop_reason"] = s.stop_reason;
    return j.dump(2) + "\n";
}

std::string summary_table(const CampaignSummary& s) {
    std::string out;
    char b[256];
    std::snprintf(b, sizeof b, "engine %s on %s (%s feedback), %s wall, %d VMs (%d restored from a snapshot this run)\n", s.engine.c_str(),
                  s.release.c_str(), s.feedback.empty() ? "no" : s.feedback.c_str(), clock_text(s.elapsed_s).c_str(), s.vms,
                  s.vms_restored);
    out += b;
    std::snprintf(b, sizeof b, "execs %" PRIu64 " (%.0f/s per running VM), loaded %" PRIu64 ", VM time lost to restarts %.0f s of %.0f s\n",
                  s.execs, s.engine_s > 0 ? static_cast<double>(s.execs) / s.engine_s : 0.0, s.loaded, s.restart_s,
                  s.restart_s + s.engine_s);
    out += b;
    if (s.exec_split_execs > 0) {
        // Largest first: where an exec's guest time goes.
        std::vector<std::pair<double, std::string>> phases;
        double total = 0;
        for (const auto& [name, sec] : s.exec_split_s) {
            phases.emplace_back(sec, name);
            total += sec;
        }
        std::sort(phases.rbegin(), phases.rend());
        out += "guest time per exec " + std::to_string(total * 1e3 / static_cast<double>(s.exec_split_execs)).substr(0, 5) + " ms:";
        for (const auto& [sec, name] : phases)
            if (sec > 0) {
                std::snprintf(b, sizeof b, " %s %.2f ms (%.0f%%)", name.c_str(), sec * 1e3 / static_cast<double>(s.exec_split_execs),
                              total > 0 ? 100.0 * sec / total : 0.0);
                out += b;
            }
        out += "\n";
    }
    if (s.loader_ceiling) {
        std::snprintf(b, sizeof b, "loader coverage %zu / %zu sites (%.1f%%), %zu kernel PCs in all\n", s.loader, s.loader_ceiling,
                      100.0 * static_cast<double>(s.loader) / static_cast<double>(s.loader_ceiling), s.pcs);
    } else {
        std::snprintf(b, sizeof b, "%zu kernel PCs reached\n", s.pcs);
    }
    out += b;
    for (const auto& p : s.checkpoints) {
        std::snprintf(b, sizeof b, "  at %5.0f s: loader %zu, pcs %zu, execs %" PRIu64 "\n", p.t, p.loader, p.pcs, p.execs);
        out += b;
    }
    std::snprintf(b, sizeof b, "corpus %zu, crashes %d (%zu titles, %zu new)\n", s.corpus, s.crash_events, s.titles.size(),
                  s.new_titles.size());
    out += b;
    if (s.relayed || s.vm_imported) {
        std::snprintf(b, sizeof b,
                      "peer inputs relayed into running VMs %" PRIu64 ", written for their engines %" PRIu64 "; the engines report %" PRIu64
                      " imports (libFuzzer RELOAD with new coverage, AFL++ corpus_imported)\n",
                      s.relayed, s.vm_imported, s.engine_imported);
        out += b;
    }
    if (!s.sync_dir.empty()) {
        std::snprintf(b, sizeof b, "sync dir %s (instance %s): exported %" PRIu64 ", imported %" PRIu64 " from other instances\n",
                      s.sync_dir.c_str(), s.instance.c_str(), s.sync_exported, s.sync_imported);
        out += b;
    }
    for (const auto& t : s.titles) {
        const bool is_new = std::find(s.new_titles.begin(), s.new_titles.end(), t) != s.new_titles.end();
        out += std::string("  ") + (is_new ? "NEW " : "    ") + t + "\n";
    }
    if (!s.stop_reason.empty()) out += "stopped: " + s.stop_reason + "\n";
    return out;
}

}  // namespace mh::campaign
