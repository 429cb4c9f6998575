// run_session: the pipeline behind `modharness run` (and the conformance suite).
#include "harness/session/run_session.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/paths/artefact_paths.h"
#include "harness/elf/malform/malformation.h"
#include "harness/elf/spec.h"
#include "harness/elf/synth.h"
#include "harness/host/output_lock.h"
#include "harness/session/accel_probe.h"
#include "harness/session/case_names.h"
#include "harness/session/free_space.h"
#include "harness/kernels/kernel_profile.h"
#include "harness/session/result_json.h"
#include "harness/session/results_sink.h"
#include "harness/session/resume_check.h"
#include "harness/kernels/seed_modules.h"
#include "harness/vm/snapshot_cache.h"

namespace mh::session {
namespace {

// One past the highest N of the console-N.log files in `dir` (1 if none): the VMs of a resumed
// run get new numbers, so the console logs the recorded results point to are not overwritten.
int next_vm_index(const std::filesystem::path& dir) {
    int highest = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind("console-", 0) != 0 || name.size() <= 12 || name.compare(name.size() - 4, 4, ".log") != 0) continue;
        std::string digits = name.substr(8, name.size() - 12);
        if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
        highest = std::max(highest, std::stoi(digits));
    }
    return highest + 1;
}

// The resolvers build_batch needs: the seeds the cases name (built now), the malformation
// catalogue (or the caller's), and synthesis from the kernel's profile (looked up once, lazily).
Expected<BatchInputs> batch_inputs(const std::vector<HostCase>& cases, const SessionOptions& opt, const kernels::Kernel& kernel,
                                   const std::filesystem::path& executor, const std::function<void(const std::string&)>& progress) {
    // Only the seeds the cases name are built.
    std::set<std::string> wanted;
    for (const auto& hc : cases)
        if (hc.image.rfind("seed:", 0) == 0) wanted.insert(hc.image.substr(5));
    BatchInputs inputs;
    inputs.executor = executor;
    if (!wanted.empty()) {
        progress("building seed modules for " + kernel.release + " ...");
        kernels::SeedBuildOptions so;
        so.interrupted = opt.interrupted;
        auto seeds = kernels::build_seed_modules(kernel, std::vector<std::string>(wanted.begin(), wanted.end()), so);
        if (!seeds) return with_context("seed modules: ", seeds.error());
        inputs.seeds = seeds->modules;
    }
    // The ELF malformation catalogue unless the caller injects something else (tests).
    inputs.malform = opt.malform ? opt.malform : [](const std::string& id, std::span<const uint8_t> image, uint64_t seed) {
        return elf::apply_malformation(id, image, seed);
    };
    inputs.known_malformation =
        opt.known_malformation ? opt.known_malformation : [](const std::string& id) { return elf::find_malformation(id) != nullptr; };
    // The profile is looked up once, on the first synth: case.
    auto profile_cache = std::make_shared<std::optional<Expected<elf::KernelProfile>>>();
    inputs.synth = [k = kernel, profile_cache](int32_t init_ret, const std::string& name) -> Expected<std::vector<uint8_t>> {
        if (!*profile_cache) *profile_cache = kernels::profile_for_kernel(k);
        const auto& profile = **profile_cache;
        if (!profile) return profile.error();
        elf::SynthOptions so;
        so.init_ret = init_ret;
        so.name = name;
        // A plain `ret`: a `jmp __x86_return_thunk` without a .return_sites entry is never patched,
        // and 6.12 WARNs ("Unpatched return thunk in use") the first time it runs.
        so.epilogue = elf::Epilogue::ret;
        auto spec = elf::synthesize(*profile, so);
        if (!spec) return spec.error();
        return elf::emit(*spec);
    };

    return inputs;
}

}  // namespace

std::filesystem::path default_executor_path() { return paths::artefact_path(paths::Artefact::kExecutor); }

Expected<PreparedSession> prepare_session(std::vector<HostCase> cases, const SessionOptions& opt) {
    auto progress = [&](const std::string& s) {
        if (opt.on_progress) opt.on_progress(s);
    };
    PreparedSession prep;
    if (auto dup = duplicate_id(cases)) return usage_error(*dup);
    MH_TRY(check_case_names(cases, opt.known_malformation));  // a typo waits for no download or boot
    auto kernel = kernels::resolve_kernel(opt.kernel, opt.fetch, opt.build_tree, opt.interrupted);
    if (!kernel) return kernel.error();
    prep.kernel = *kernel;
    prep.executor = opt.executor.empty() ? default_executor_path() : opt.executor;
    if (prep.executor.empty() || !std::filesystem::exists(prep.executor))
        return environment_error("guest executor not found at '" + prep.executor.string() +
                                 "' (build the mh-executor target or set MH_EXECUTOR)");
    auto inputs = batch_inputs(cases, opt, prep.kernel, prep.executor, progress);
    if (!inputs) return inputs.error();
    if (opt.reset == Reset::Snapshot && !opt.snapshot_cache.empty()) {
        if (auto token = vm::SnapshotCache(opt.snapshot_cache).token()) {
            inputs->token = *token;
            prep.snapshot_cache = opt.snapshot_cache;
        } else {
            progress("snapshot cache not used: " + token.error().message);
        }
    }

    std::error_code ec;
    std::filesystem::create_directories(opt.out_dir, ec);
    if (ec) return storage_error("cannot create output directory " + opt.out_dir.string() + ": " + ec.message());
    // Before anything is read or written there: two sessions never share an --out.
    MH_TRY_ASSIGN(out_lock, host::lock_output_dir(opt.out_dir));
    prep.out_lock = std::move(out_lock);
    const auto results_file = opt.out_dir / "results.jsonl";
    if (opt.resume) {
        auto r = read_recorded_results(results_file);
        if (!r) return r.error();
        prep.recorded = std::move(r).value();
        if (prep.recorded.dropped)
            progress("resume: ignored " + std::to_string(prep.recorded.dropped) + " unreadable line(s) of " + results_file.string());
        if (auto other = recorded_on_other_kernel(prep.recorded, prep.kernel, results_file)) return usage_error(*other);
        for (auto& hc : cases)
            if (prep.recorded.by_id.count(hc.guest.id)) {
                hc.recorded = true;
                hc.recorded_hash = prep.recorded.input_hash[hc.guest.id];
            }
    } else if (std::filesystem::exists(results_file, ec) && std::filesystem::file_size(results_file, ec) > 0) {
        return usage_error(results_file.string() + " already has results: use --resume to continue that run, or another --out");
    }
    // Before the initramfs is written: a directory too full for it is "stopped", not an
    // environment error, and the message is the one a full disk gives mid-run.
    if (auto space = check_free_space(opt.out_dir, opt.min_free_bytes); !space) {
        SessionResult result;
        result.kernel = prep.kernel;
        result.results_file = results_file;
        result.stopped = space.error().message;
        for (const auto& hc : cases) {
            if (!hc.recorded) continue;
            CaseOutcome co = prep.recorded.by_id.at(hc.guest.id);
            co.idx = hc.guest.idx;
            result.records.push_back({hc, co});
            ++result.resumed;
        }
        prep.ended_early = std::move(result);
        return prep;
    }
    auto batch = build_batch(std::move(cases), *inputs, opt.out_dir);
    if (!batch) return batch.error();
    prep.batch = std::move(batch).value();
    for (const auto& hc : prep.batch.cases)
        if (hc.changed_since_recorded)
            progress("case " + hc.guest.id +
                     (hc.recorded_hash.empty() ? " has no input hash in its record" : " changed since it was recorded") + ": rerun");
    return prep;
}

Expected<SessionResult> run_session(std::vector<HostCase> cases, const SessionOptions& opt) {
    auto prep = prepare_session(std::move(cases), opt);
    if (!prep) return prep.error();
    return run_prepared(std::move(prep).value(), opt);
}

Expected<SessionResult> run_prepared(PreparedSession prep, const SessionOptions& opt) {
    if (prep.ended_early) return std::move(*prep.ended_early);
    auto progress = [&](const std::string& s) {
        if (opt.on_progress) opt.on_progress(s);
    };
    SessionResult result;
    result.kernel = prep.kernel;
    result.results_file = opt.out_dir / "results.jsonl";
    const kernels::Kernel* kernel = &prep.kernel;
    const PreparedBatch* batch = &prep.batch;
    const RecordedResults& recorded = prep.recorded;

    auto accel = accel_from_option(opt.accel, kernel->bzimage, prep.executor, opt.qemu);
    if (!accel) return accel.error();
    result.accel = accel->accel;
    result.accel_reason = accel->reason;
    progress("accelerator: " + vm::accel_name(accel->accel) + " (" + accel->reason + ")");

    auto sink = ResultsSink::open(result.results_file);
    if (!sink) return sink.error();

    RunnerOptions ro;
    ro.vm.qemu = opt.qemu;
    ro.vm.kernel = kernel->bzimage;
    ro.vm.machine = opt.machine;
    ro.vm.accel = accel->accel;
    ro.vm.memory_mb = opt.memory_mb;
    ro.cmdline.tsc_khz = vm::host_tsc_khz();
    ro.cmdline.extra = opt.guest_cmdline_extra;
    ro.work_dir = opt.out_dir;
    ro.boot_timeout = opt.boot_timeout;
    ro.reset = opt.reset;
    ro.parallel_vms = opt.parallel_vms;
    ro.snapshot_cache_dir = prep.snapshot_cache;
    ro.max_console_bytes = opt.max_console_bytes;
    if (opt.resume) ro.first_vm_index = next_vm_index(opt.out_dir);
    ro.interrupted = opt.interrupted;
    ro.on_progress = opt.on_progress;
    ro.tamper_results = opt.tamper_results;
    ro.monitor = opt.monitor;
    ro.after_snapshot = opt.after_snapshot;
    // The first result that cannot be stored stops the run: later ones could not be stored
    // either, and a record missing from results.jsonl is simply run again by --resume.
    std::string write_error;
    ro.on_case = [&](const CaseOutcome& co) {
        if (!write_error.empty()) return;
        const HostCase& hc = batch->cases[static_cast<size_t>(co.idx)];
        if (auto st = sink->append(result_line(hc, co, *kernel)); !st) {
            write_error = st.error().message;
            return;
        }
        result.records.push_back({hc, co});
        if (opt.on_case) opt.on_case(hc, co);
    };
    result.events = recorded.events;
    ro.on_event = [&](const SessionEvent& ev) {
        if (!write_error.empty()) return;
        if (auto st = sink->append(event_line(ev, *kernel)); !st) {
            write_error = st.error().message;
            return;
        }
        result.events.push_back(ev);
    };
    ro.stop_check = [&]() -> std::string {
        if (!write_error.empty()) return write_error;
        auto space = check_free_space(opt.out_dir, opt.min_free_bytes);
        return space ? std::string() : space.error().message;
    };
    // Cases whose input could not be made (e.g. a malformation that needs a signed module) are
    // recorded as CONF without a VM.
    for (const auto& hc : batch->cases) {
        if (!hc.recorded) continue;
        CaseOutcome co = recorded.by_id.at(hc.guest.id);
        co.idx = hc.guest.idx;
        result.records.push_back({hc, co});
        ++result.resumed;
        if (opt.on_case) opt.on_case(hc, co);
    }
    if (result.resumed) progress("resume: " + std::to_string(result.resumed) + " case(s) already recorded, not run again");
    for (const auto& hc : batch->cases) {
        if (hc.skip_reason.empty() || hc.recorded || !write_error.empty()) continue;
        CaseOutcome co;
        co.idx = hc.guest.idx;
        co.id = hc.guest.id;
        co.judgement.verdict = verdict::Verdict::Conf;
        co.judgement.reason = hc.skip_reason;
        ro.on_case(co);
    }
    bool anything_to_run = false;
    for (const auto& hc : batch->cases) anything_to_run |= !hc.recorded && hc.skip_reason.empty();
    BatchStats nothing;
    nothing.completed = write_error.empty();
    nothing.stopped = write_error;
    auto stats = anything_to_run && write_error.empty() ? run_batch(*batch, ro) : Expected<BatchStats>(nothing);
    if (!stats) return stats.error();
    result.stats = *stats;
    result.stopped = result.stats.stopped;
    std::sort(result.records.begin(), result.records.end(),
              [](const CaseRecord& a, const CaseRecord& b) { return a.outcome.idx < b.outcome.idx; });
    return result;
}

}  // namespace mh::session
