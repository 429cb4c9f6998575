// One job of a campaign: its VMs, their frames, the crashes they end with (see campaign_job.h).
#include "harness/campaign/campaign_job.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "harness/campaign/engine_run.h"
#include "harness/campaign/progress.h"
#include "harness/common/files.h"
#include "harness/common/packed_bytes.h"
#include "harness/common/text.h"
#include "harness/host/file_tail.h"
#include "harness/kernel_log/crash_title.h"
#include "harness/protocol/frame_types.h"
#include "harness/protocol/go_record.h"
#include "harness/protocol/pc_list.h"

namespace mh::campaign {

namespace {

std::map<int, uint64_t> parse_errnos(const std::string& s) {
    std::map<int, uint64_t> out;  // "8:117,22:42"
    for (const auto& item : split_trimmed(s, ',')) {
        const size_t colon = item.find(':');
        if (colon != std::string::npos) out[std::atoi(item.c_str())] = std::strtoull(item.c_str() + colon + 1, nullptr, 10);
    }
    return out;
}

// Ends every job with `reason` (caller holds state.mu).
void stop_with(CampaignRun& run, std::string reason, bool storage_error = false) {
    run.state.stop_reason = std::move(reason);
    if (storage_error) run.state.storage_error = true;
    run.stop = true;
}

// Whole lines, fdatasync'd; a failed write (disk full) stops the campaign with its reason.
void flush_pcs(CampaignRun& run) {
    auto& st = run.state;
    if (st.pcs_pending.empty()) return;
    std::string chunk = std::move(st.pcs_pending);
    st.pcs_pending.clear();
    chunk.pop_back();  // the sink adds the last newline
    if (auto s = run.pcs_file.append(chunk); !s) stop_with(run, s.error().message, true);
}

void say_progress(CampaignRun& run) {
    const auto& st = run.state;
    ProgressCounts c;
    c.engine = run.opt.engine;
    c.elapsed_s = st.elapsed();
    c.engine_s = st.totals.engine_s;
    c.execs = st.execs();
    c.pcs = st.pcs.size();
    c.loader = st.loader;
    c.loader_ceiling = run.opt.loader_ceiling;
    c.corpus = st.corpus_names.size();
    c.crash_events = run.crashes.events();
    c.crash_titles = run.crashes.groups().size();
    c.vms = st.totals.vms;
    run.say(progress_line(c));
}

// A pcs frame: "ffffffff81000000,..."; new ones are counted and queued for pcs.txt.
void take_pcs(CampaignRun& run, const std::string& list) {
    auto& st = run.state;
    protocol::for_each_pc(list, [&](uint64_t pc) {
        if (!st.pcs.insert(pc).second) return;
        char b[24];
        std::snprintf(b, sizeof b, "%" PRIx64 "\n", pc);
        st.pcs_pending += b;
        if (run.opt.is_loader_site && run.opt.is_loader_site(pc)) ++st.loader;
    });
}

// A stats frame holds the running VM's counters so far (they replace the last ones). Stats frames
// are the campaign's clock: PCs are flushed, the curve gets a point every 5 s, a progress line
// every 10 s.
void take_stats(CampaignRun& run, size_t j, const KvRecord& rec) {
    auto& st = run.state;
    st.vm_execs[j] = std::strtoull(rec.get_or("execs", "0").c_str(), nullptr, 10);
    st.vm_loaded[j] = std::strtoull(rec.get_or("loaded", "0").c_str(), nullptr, 10);
    st.vm_errnos[j] = parse_errnos(rec.get_or("errnos", ""));
    st.vm_phases_us[j] = parse_errnos(rec.get_or("phases_us", ""));  // the same "key:count" list
    st.vm_imported[j] = std::strtoull(rec.get_or("imported", "0").c_str(), nullptr, 10);
    st.totals.engine_imported += std::strtoull(rec.get_or("engine_imported", "0").c_str(), nullptr, 10);  // final frames only
    st.totals.feedback = rec.get_or("feedback", st.totals.feedback);
    flush_pcs(run);
    const double el = st.elapsed();
    if (el - st.last_curve >= 5) {
        add_curve_point(st, run.crashes.events(), run.curve_file);
        st.last_curve = el;
        if (auto s = save_state(st, run.opt, run.crashes.events(), false); !s) stop_with(run, s.error().message, true);
    }
    if (el - st.last_progress >= 10) {
        st.last_progress = el;
        say_progress(run);
    }
}

// A corpus frame of job j's VM: a new input, kept in out/corpus under its name (a plain file name,
// once), logged for the other VMs and exported to the sync dir.
void take_corpus(CampaignRun& run, size_t j, const KvRecord& rec) {
    auto& st = run.state;
    const std::string name = rec.get_or("name", "");
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.' || st.corpus_names.count(name)) return;
    auto data = unpack_bytes(rec.get_or("data", ""), std::strtoull(rec.get_or("size", "0").c_str(), nullptr, 10));
    if (!data) return;  // a damaged frame: the input is not kept (counted nowhere else)
    if (auto w = write_file_atomic(run.opt.out / "corpus" / name, *data); !w) {
        stop_with(run, w.error().message, true);
        return;
    }
    st.corpus_names.insert(name);
    st.corpus_log.emplace_back(name, static_cast<int>(j));
    if (run.sync_dir) {
        if (auto e = run.sync_dir->export_entry(name, *data); e) {
            ++st.totals.sync_exported;
        } else if (!st.sync_export_failed) {
            st.sync_export_failed = true;  // said once: the sync dir is a bonus, the campaign's own corpus is kept
            run.say("sync dir: cannot export (" + e.error().message + "); the campaign goes on");
        }
    }
}

// Frames of job j's VM as they arrive. engine, crash, error and end frames are kept by
// run_fuzz_vm in its result.
void take_frame(CampaignRun& run, size_t j, const vm::GuestFrame& f) {
    const auto type = protocol::frame_type(f.record);
    std::lock_guard lock(run.state.mu);
    if (type == protocol::FrameType::Pcs)
        take_pcs(run, f.record.get_or("pcs", ""));
    else if (type == protocol::FrameType::Stats)
        take_stats(run, j, f.record);
    else if (type == protocol::FrameType::Corpus)
        take_corpus(run, j, f.record);
}

// Job `id`'s VM's feed of peer inputs (FuzzVmSpec::to_guest): the corpus entries logged from
// `from` on that other jobs or the sync dir added, as `file` records, about 32 KB per call (the UART
// takes ~100 KB/s, and the guest's tty buffers little more than that).
std::function<std::string()> peer_relay(CampaignRun& run, int id, size_t from) {
    auto next = std::make_shared<size_t>(from);
    return [&run, id, next]() {
        std::string out;
        std::lock_guard lock(run.state.mu);
        const auto& log = run.state.corpus_log;
        while (*next < log.size() && out.size() < 32 * 1024) {
            const auto& [name, source] = log[(*next)++];
            if (source == id) continue;
            auto data = read_text_file(run.opt.out / "corpus" / name);
            if (!data) continue;
            const std::string peer = source == CampaignState::kFromSyncDir ? "sync" : afl_instance_name(source);
            out += protocol::format_go_file({"mh/peers/" + peer + "/" + name, std::move(*data)});
            ++run.state.totals.relayed;
        }
        return out;
    };
}

// The VM of job `id`'s next engine run of `remaining` seconds: engine, environment modules,
// starting inputs and the corpus so far.
Expected<FuzzVmSpec> vm_spec(CampaignRun& run, int id, double remaining, uint64_t seed) {
    const auto& opt = run.opt;
    auto er = engine_run(opt, remaining, seed, run.max_len, id);
    if (!er) return er.error();
    FuzzVmSpec spec;
    spec.kernel = run.kernel;
    spec.executor = run.executor;
    spec.engine = run.engine_binary;
    spec.engine_argv = er->argv;
    spec.engine_env = er->env;
    if (!opt.weights.empty()) spec.engine_env.push_back("MH_FUZZ_WEIGHTS=" + opt.weights);
    spec.make_dirs = er->dirs;
    spec.watch_dir = er->watch;
    spec.import = er->import;
    spec.extra_programs = er->extra_programs;
    spec.files = er->files;
    spec.accel = run.accel;
    spec.memory_mb = opt.memory_mb;
    spec.tsc_khz = run.tsc_khz;
    spec.work_dir = opt.out / "work" / ("job" + std::to_string(id));
    spec.total_timeout = std::chrono::seconds(static_cast<long>(remaining) + 300);
    spec.interrupted = opt.interrupted;
    spec.files.push_back({"mh/seeds/.keep", ""});
    spec.files.push_back({"mh-stage/.keep", ""});
    spec.files.insert(spec.files.end(), run.environment.begin(), run.environment.end());
    {
        std::lock_guard lock(run.state.mu);
        // The random baseline stands for a syscall fuzzer with an executable template: no module seeds.
        if (opt.engine != "random")
            for (const auto& s : run.seeds.inputs)
                spec.files.push_back({"mh/seeds/" + s.name, std::string(s.bytes.begin(), s.bytes.end())});
        // The stage goes into a job's VMs until one has run through it: its PCs are
        // counted by then, and restarts after crashes do not pay for it again (libFuzzer
        // does not copy starting inputs into its corpus, so later VMs fuzz on without them).
        if (run.state.stage_pending[static_cast<size_t>(id)])
            for (const auto& s : run.seeds.stage) spec.files.push_back({"mh-stage/" + s.name, std::string(s.bytes.begin(), s.bytes.end())});
        // The corpus differs per VM: with a snapshot it reaches the restored VM as work files.
        for (const auto& name : run.state.corpus_names) {
            std::string data = read_text_file(opt.out / "corpus" / name).value_or("");
            if (!data.empty()) spec.work_files.push_back({"mh/corpus/" + name, std::move(data)});
        }
        // What arrives from here on (other VMs' finds, the sync dir's) is relayed into this VM.
        if (!spec.import.empty()) spec.to_guest = peer_relay(run, id, run.state.corpus_log.size());
    }
    spec.files.push_back({"mh/corpus/.keep", ""});
    spec.snapshot = run.snapshot;
    return spec;
}

// Moves job j's counters from its VM, which ended, into the totals (caller holds state.mu).
// `last_frame`: host seconds of the VM's last frame, where its engine time ends.
void fold_vm(CampaignRun& run, size_t j, const FuzzVmResult& r, double last_frame) {
    auto& st = run.state;
    flush_pcs(run);
    ++st.totals.vms;
    if (st.vm_execs[j] >= run.startup_execs) st.stage_pending[j] = false;
    st.totals.execs += st.vm_execs[j];
    st.totals.loaded += st.vm_loaded[j];
    for (auto [e, n] : st.vm_errnos[j]) st.totals.errnos[e] += n;
    for (auto [p, us] : st.vm_phases_us[j]) st.totals.phases_us[p] += us;
    if (!st.vm_phases_us[j].empty()) st.totals.phase_execs += st.vm_execs[j];
    st.totals.vm_imported += st.vm_imported[j];
    st.vm_execs[j] = st.vm_loaded[j] = st.vm_imported[j] = 0;
    st.vm_errnos[j].clear();
    st.vm_phases_us[j].clear();
    const double running = r.engine_started_s >= 0 ? std::max(0.0, last_frame - r.engine_started_s) : 0;
    st.totals.engine_s += running;
    st.totals.restart_s += std::max(0.0, r.vm.wall_seconds - running) + r.snapshot_s;
}

// The crash a VM ended with, titled by the kernel's report, else by how the run ended.
CrashEvent crash_event(const std::string& engine, double campaign_seconds, const FuzzVmResult& r) {
    CrashEvent e;
    e.engine = engine;
    e.campaign_seconds = campaign_seconds;
    e.kind = r.crash ? r.crash->get_or("kind", "?") : (r.vm.vm_event.empty() ? "vm-lost" : r.vm.vm_event);
    e.input = crash_input_of(r);
    e.input_truncated = r.crash && r.crash->get_or("input_truncated", "0") == "1";
    if (auto report = crash_report_of(r)) {
        e.title = report->title;
        e.console_excerpt = report->excerpt;
        return e;
    }
    e.title = kernel_log::unreported_crash_title(e.kind, r.crash ? r.crash->get_or("taint_added", "?") : "?");
    // An engine that died explains itself in its log, not on the console.
    if (kernel_log::is_engine_death(e.kind) && r.crash) e.console_excerpt = r.crash->get_or("engine_log", "");
    return e;
}

// Records the crash a VM ended with (caller holds state.mu). False when the crash store cannot
// write: results can no longer be recorded, so the campaign stops rather than lose more.
bool record_crash(CampaignRun& run, const FuzzVmResult& r) {
    auto& st = run.state;
    const CrashEvent e = crash_event(run.opt.engine, st.elapsed(), r);
    auto g = run.crashes.add(e);
    if (!g) {
        stop_with(run, g.error().message, true);
        return false;
    }
    if (const std::string dropped = drop_crashing_seed(run.seeds, e.input); !dropped.empty()) run.say(dropped);
    // The console of the VM that crashed, kept with the group's first event.
    if (g->count == 1) {
        if (auto w = write_file_atomic(run.opt.out / "crashes" / g->slug / "console.log", r.console); !w) {
            stop_with(run, w.error().message, true);
            return false;
        }
    }
    run.say(std::string(g->count == 1 ? "NEW crash" : "crash") + " (" + e.kind + "): " + e.title +
            (e.input.empty() ? " [input lost with the VM]" : "") + (g->count > 1 ? " x" + std::to_string(g->count) : ""));
    if (auto s = save_state(st, run.opt, run.crashes.events(), false); !s) {
        stop_with(run, s.error().message, true);
        return false;
    }
    return true;
}

// After a VM ended and its counters were folded (caller holds state.mu): true to boot the next.
// `no_boot` counts the job's VMs in a row that did not boot.
bool after_vm(CampaignRun& run, const FuzzVmSpec& spec, const FuzzVmResult& r, int& no_boot) {
    if (r.error) {
        stop_with(run, "guest: " + r.error->get_or("message", "error"));
        return false;
    }
    if (r.vm.vm_event == "interrupted") return false;
    if (!r.vm.booted) {
        if (++no_boot >= 3)
            stop_with(run, "the VM did not boot three times in a row (see " + (spec.work_dir / "console.log").string() + ")");
        return true;
    }
    no_boot = 0;
    if (!r.crash && r.vm.crashes.empty() && r.ended) return true;  // the engine's time ran out
    // An engine that dies before its first input is broken, not a kernel finding: stop.
    if (r.crash && r.crash->get_or("input_seq", "0") == "0" && r.crash->get_or("kind", "").rfind("exit-", 0) == 0) {
        stop_with(run, "the engine exited (" + r.crash->get_or("kind", "") + ") before running any input; its log ends:\n" +
                           r.crash->get_or("engine_log", ""));
        return false;
    }
    return record_crash(run, r);
}

}  // namespace

void import_synced(CampaignRun& run) {
    if (!run.sync_dir) return;
    auto fresh = run.sync_dir->import_new();  // outside the lock: the sync dir may be slow storage
    std::lock_guard lock(run.state.mu);
    auto& st = run.state;
    for (auto& e : fresh) {
        if (st.corpus_names.count(e.name)) continue;  // ours, or already imported from another instance
        if (auto w = write_file_atomic(run.opt.out / "corpus" / e.name, e.data); !w) {
            stop_with(run, w.error().message, true);
            return;
        }
        st.corpus_names.insert(e.name);
        st.corpus_log.emplace_back(e.name, CampaignState::kFromSyncDir);
        ++st.totals.sync_imported;
    }
}

void run_job(CampaignRun& run, int id) {
    auto& st = run.state;
    const size_t j = static_cast<size_t>(id);
    int no_boot = 0;
    while (!run.stop) {
        if (run.opt.interrupted && run.opt.interrupted->load()) break;
        double remaining;
        {
            std::lock_guard lock(st.mu);
            remaining = run.end_at - st.elapsed();
        }
        if (remaining < 5) break;
        uint64_t seed;
        {
            std::lock_guard lock(run.rng_mu);
            seed = run.rng();
        }
        auto spec = vm_spec(run, id, remaining, seed);
        if (!spec) {
            std::lock_guard lock(st.mu);
            stop_with(run, spec.error().message);
            break;
        }
        double last_frame = 0;
        spec->on_frame = [&](const vm::GuestFrame& f) {
            last_frame = f.host_seconds;
            take_frame(run, j, f);
        };
        auto res = run_fuzz_vm(*spec);
        std::lock_guard lock(st.mu);
        if (!res) {
            stop_with(run, res.error().message);
            break;
        }
        fold_vm(run, j, *res, last_frame);
        if (!after_vm(run, *spec, *res, no_boot)) break;
    }
}

}  // namespace mh::campaign
