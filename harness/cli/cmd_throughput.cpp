// `modharness throughput`: the harness's own speed on one kernel: boot-to-first-result,
// conformance cases per second (with and without VM restarts), and fuzzing execs per second of
// each engine from a short campaign.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "conformance/suite.h"
#include "harness/campaign/campaign.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/number_option.h"
#include "harness/cli/run_options.h"
#include "harness/common/text.h"

namespace mh::cli {
namespace {

std::vector<OptionSpec> throughput_options() {
    auto specs = session_option_specs();
    specs.push_back({"only", "LIST", "run only these conformance cases: ids or classes, as conform --only"});
    specs.push_back({"fuzz-seconds", "S", "seconds of fuzzing per engine for the exec/s figures, 0..3600 (default 60; 0 = none)"});
    specs.push_back({"engines", "LIST", "engines to time, comma-separated (default: libfuzzer,libfuzzer-bytes,random,aflpp)"});
    specs.push_back({"json", "", "print the figures as JSON (schema modharness.throughput/1)"});
    specs.push_back({"help", "", ""});
    return specs;
}

}  // namespace

int cmd_throughput(const Args& args) {
    const auto specs = throughput_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("throughput", p.error());
    if (p->has("help")) {
        std::puts(
            "usage: modharness throughput [--kernel K] [--only LIST] [--fuzz-seconds S] [--engines LIST] [--json] [options]\n\n"
            "Measures the harness on kernel K: first result of a one-case VM after a cold boot and after\n"
            "a snapshot restore (3 each, median), then the conformance suite (or --only LIST of it) with\n"
            "each reset (--reset boot; snapshot with an empty snapshot cache; snapshot again with the\n"
            "cache that run filled) in cases per second, boots and VM restarts included; then a\n"
            "--fuzz-seconds campaign of each engine in one VM:\n"
            "execs per second of engine time and of wall time (restarts included), and how many execs\n"
            "loaded a module (the rest were refused early). The split of an exec's time between refused\n"
            "and loaded inputs is not measured.\n");
        print_option_help(stdout, specs);
        return kExitOk;
    }
    auto base = session_options_from(*p, "throughput");
    if (!base) return report_error("throughput", base.error());
    auto fuzz_seconds = number_option(*p, "fuzz-seconds", 60, 0, 3600);
    if (!fuzz_seconds) return report_error("throughput", fuzz_seconds.error());
    std::vector<std::string> engines = campaign::engine_names();
    if (auto list = p->get("engines")) {
        engines = split_trimmed(*list, ',');
        for (const auto& e : engines)
            if (std::find(campaign::engine_names().begin(), campaign::engine_names().end(), e) == campaign::engine_names().end())
                return report_error("throughput", usage_error("--engines: unknown engine '" + e + "'"));
    }
    auto interrupted = install_interrupt_flag();
    base->interrupted = interrupted;
    // One single-case VM three times per reset: QEMU start -> first result. With snapshot reset
    // the figure is a restored VM's (the snapshot's own boot is reported beside it).
    struct FirstResult {
        std::vector<double> seconds;  // sorted
        double snapshot_seconds = -1;  // median cost of taking the snapshot
    };
    auto first_results = [&](session::Reset reset) -> Expected<FirstResult> {
        FirstResult fr;
        std::vector<double> takes;
        for (int i = 0; i < 3; ++i) {
            auto cases = session::parse_case_text("id=first call=finit fd=minus1 image=none expect=EBADF\n", "throughput");
            session::SessionOptions so = *base;
            so.reset = reset;
            so.snapshot_cache.clear();  // each snapshot taken, so that taking one is measured too
            so.out_dir = base->out_dir / (std::string(session::reset_name(reset)) + "-" + std::to_string(i));
            auto r = session::run_session(*cases, so);
            if (!r) return r.error();
            if (!r->stopped.empty()) return storage_error(r->stopped);
            if (reset == session::Reset::Snapshot && r->stats.vms_restored == 0)
                return environment_error("snapshot reset fell back to cold boots: " + r->stats.snapshot_fallback);
            fr.seconds.push_back(r->stats.first_result_seconds);
            takes.push_back(r->stats.snapshot_seconds);
        }
        std::sort(fr.seconds.begin(), fr.seconds.end());
        std::sort(takes.begin(), takes.end());
        fr.snapshot_seconds = takes[1];
        return fr;
    };
    // The suite under one reset (and snapshot cache): wall time, VMs, kernel events.
    const auto cache_dir = base->out_dir / "snapshot-cache";
    auto suite = [&](session::Reset reset, const std::string& name) -> Expected<nlohmann::json> {
        conformance::SuiteOptions co;
        co.session = *base;
        co.session.reset = reset;
        co.session.snapshot_cache = reset == session::Reset::Snapshot ? cache_dir : std::filesystem::path();
        co.session.out_dir = base->out_dir / ("conform-" + name);
        co.conformance_dir = conformance::default_conformance_dir();
        co.case_filter = p->get_or("only", "");
        auto run = conformance::run_suite(co);
        if (!run) return run.error();
        if (run->contains("stopped")) return storage_error((*run)["stopped"].get<std::string>());
        const double wall = run->value("wall_seconds", 0.0);
        const size_t cases = (*run)["cases"].size();
        int vms = 0, events = 0, restored = 0, taken = 0, cached = 0;
        for (const auto& g : (*run)["groups"]) {
            vms += g.value("vms", 0);
            events += g.value("kernel_events", 0);
            restored += g.value("vms_restored", 0);
            taken += g.value("snapshots", 0);
            cached += g.value("snapshots_cached", 0);
        }
        return nlohmann::json{{"reset", session::reset_name(reset)},
                              {"cases", cases},
                              {"wall_seconds", wall},
                              {"vms", vms},
                              {"vms_restored", restored},
                              {"snapshots_taken", taken},
                              {"snapshots_cached", cached},
                              {"kernel_events", events},
                              {"cases_per_second", wall > 0 ? static_cast<double>(cases) / wall : 0.0},
                              {"kernel", (*run)["kernel"]},
                              {"accel", run->value("accel", "")}};
    };
    auto fail = [&](const Error& e) {
        return e.kind == ErrorKind::kStorage
                   ? (std::fprintf(stderr, "modharness throughput: stopped: %s\n", e.message.c_str()), kExitStorage)
                   : report_error("throughput", e);
    };
    auto boots = first_results(session::Reset::Boot);
    if (!boots) return fail(boots.error());
    auto restores = first_results(session::Reset::Snapshot);
    if (!restores) return fail(restores.error());
    auto cold_suite = suite(session::Reset::Boot, "boot");
    if (!cold_suite) return fail(cold_suite.error());
    // Snapshot reset twice: with an empty snapshot cache (every group takes its snapshot), then
    // with the cache the first run filled (no group boots a VM).
    std::error_code ec;
    std::filesystem::remove_all(cache_dir, ec);
    auto snap_suite = suite(session::Reset::Snapshot, "snapshot");
    if (!snap_suite) return fail(snap_suite.error());
    auto cached_suite = suite(session::Reset::Snapshot, "snapshot-cached");
    std::filesystem::remove_all(cache_dir, ec);  // a measurement's, not a cache to keep
    if (!cached_suite) return fail(cached_suite.error());
    auto spread = [](const std::vector<double>& v) { return nlohmann::json{{"median", v[1]}, {"min", v[0]}, {"max", v[2]}}; };
    nlohmann::json out = {{"schema", "modharness.throughput/1"},
                          {"kernel", (*snap_suite)["kernel"]},
                          {"accel", (*snap_suite)["accel"]},
                          {"boot_to_first_result_seconds", spread(boots->seconds)},
                          {"restore_to_first_result_seconds", spread(restores->seconds)},
                          {"snapshot_take_seconds", restores->snapshot_seconds},
                          {"conformance", *snap_suite},
                          {"conformance_boot", *cold_suite},
                          {"conformance_cached", *cached_suite},
                          {"fuzz", nlohmann::json::object()}};
    out["conformance"].erase("kernel");
    out["conformance"].erase("accel");
    for (const char* key : {"conformance_boot", "conformance_cached"}) {
        out[key].erase("kernel");
        out[key].erase("accel");
    }
    // Each engine in one VM for --fuzz-seconds; an engine that cannot run here (AFL++ not
    // installed...) gets its error and the others go on.
    for (const auto& engine : engines) {
        if (*fuzz_seconds <= 0 || interrupted->load()) break;
        campaign::CampaignOptions fo;
        fo.kernel = base->kernel;
        fo.engine = engine;
        fo.duration_s = *fuzz_seconds;
        fo.out = base->out_dir / ("fuzz-" + engine);
        fo.accel = base->accel;
        fo.memory_mb = base->memory_mb;
        fo.rng_seed = 1;
        fo.interrupted = interrupted;
        std::fprintf(stderr, "modharness: throughput: fuzzing with %s for %d s\n", engine.c_str(), *fuzz_seconds);
        auto c = campaign::run_campaign(fo);
        if (!c) {
            out["fuzz"][engine] = {{"error", c.error().message}};
            continue;
        }
        const double vm_s = c->engine_s + c->restart_s;
        out["fuzz"][engine] = {{"execs", c->execs},
                               {"loaded", c->loaded},
                               {"refused", c->execs - c->loaded},
                               {"engine_seconds", c->engine_s},
                               {"restart_seconds", c->restart_s},
                               {"vms", c->vms},
                               {"feedback", c->feedback},
                               {"execs_per_engine_second", c->engine_s > 0 ? static_cast<double>(c->execs) / c->engine_s : 0.0},
                               {"execs_per_wall_second", c->elapsed_s > 0 ? static_cast<double>(c->execs) / c->elapsed_s : 0.0},
                               {"restart_share", vm_s > 0 ? c->restart_s / vm_s : 0.0}};
    }
    if (p->has("json")) {
        std::puts(out.dump(1).c_str());
        return kExitOk;
    }
    std::printf("kernel:                 %s (%s), accel %s\n", out["kernel"].value("release", "?").c_str(),
                out["kernel"].value("version", "?").c_str(), out.value("accel", "?").c_str());
    const auto& b = boots->seconds;
    const auto& r = restores->seconds;
    std::printf("boot-to-first-result:   %.2f s median (min %.2f, max %.2f; 3 boots)\n", b[1], b[0], b[2]);
    std::printf("restore-to-first-result: %.2f s median (min %.2f, max %.2f; 3 restores) = %.1fx faster; taking the snapshot %.2f s\n",
                r[1], r[0], r[2], r[1] > 0 ? b[1] / r[1] : 0.0, restores->snapshot_seconds);
    for (const auto& [key, label] :
         {std::pair{"conformance_boot", "boot"}, std::pair{"conformance", "snapshot"}, std::pair{"conformance_cached", "cached"}}) {
        const auto& c = out[key];
        std::printf("conformance (%-9s  %zu cases in %.1f s = %.1f cases/s (%d VMs, %d restored, %d snapshots taken, %d kernel events)\n",
                    (std::string(label) + "):").c_str(), c["cases"].get<size_t>(), c["wall_seconds"].get<double>(),
                    c["cases_per_second"].get<double>(), c["vms"].get<int>(), c["vms_restored"].get<int>(), c["snapshots_taken"].get<int>(),
                    c["kernel_events"].get<int>());
    }
    if (out["fuzz"].empty()) std::printf("fuzzing exec/s:         not measured (--fuzz-seconds 0)\n");
    for (const auto& [engine, f] : out["fuzz"].items()) {
        if (f.contains("error")) {
            std::printf("fuzzing %-17s error: %s\n", (engine + ":").c_str(), f["error"].get<std::string>().c_str());
            continue;
        }
        std::printf(
            "fuzzing %-17s %.1f exec/s of engine time, %.1f of wall time (%llu execs, %llu loaded, %llu refused; "
            "%d VMs, %.0f %% of VM time restarting; %s feedback)\n",
            (engine + ":").c_str(), f["execs_per_engine_second"].get<double>(), f["execs_per_wall_second"].get<double>(),
            static_cast<unsigned long long>(f["execs"].get<uint64_t>()), static_cast<unsigned long long>(f["loaded"].get<uint64_t>()),
            static_cast<unsigned long long>(f["refused"].get<uint64_t>()), f["vms"].get<int>(), 100 * f["restart_share"].get<double>(),
            f["feedback"].get<std::string>().c_str());
    }
    return kExitOk;
}

}  // namespace mh::cli
