// `modharness throughput`: the harness's own speed on one kernel: boot-to-first-result, and
// conformance cases per second (with and without VM restarts).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "conformance/suite.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/run_options.h"

namespace mh::cli {
namespace {

std::vector<OptionSpec> throughput_options() {
    auto specs = session_option_specs();
    specs.push_back({"only", "LIST", "run only these conformance cases: ids or classes, as conform --only"});
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
            "usage: modharness throughput [--kernel K] [--only LIST] [--json] [options]\n\n"
            "Measures the harness on kernel K: boot-to-first-result of a one-case VM (3 boots, median),\n"
            "then the conformance suite (or --only LIST of it) in cases per second: wall time with boots\n"
            "and VM restarts, and per VM-second. Fuzzing exec/s will join when the fuzz drivers exist.\n");
        print_option_help(stdout, specs);
        return kExitOk;
    }
    auto base = session_options_from(*p, "throughput");
    if (!base) return report_error("throughput", base.error());
    auto interrupted = install_interrupt_flag();
    base->interrupted = interrupted;
    std::vector<double> boots;
    for (int i = 0; i < 3; ++i) {
        auto cases = session::parse_case_text("id=first call=finit fd=minus1 image=none expect=EBADF\n", "throughput");
        session::SessionOptions so = *base;
        so.out_dir = base->out_dir / ("boot-" + std::to_string(i));
        auto r = session::run_session(*cases, so);
        if (!r) return report_error("throughput", r.error());
        if (!r->stopped.empty()) {
            std::fprintf(stderr, "modharness throughput: stopped: %s\n", r->stopped.c_str());
            return kExitStorage;
        }
        boots.push_back(r->stats.first_result_seconds);
    }
    std::sort(boots.begin(), boots.end());
    conformance::SuiteOptions co;
    co.session = *base;
    co.session.out_dir = base->out_dir / "conform";
    co.conformance_dir = conformance::default_conformance_dir();
    co.case_filter = p->get_or("only", "");
    auto run = conformance::run_suite(co);
    if (!run) return report_error("throughput", run.error());
    if (run->contains("stopped")) {
        std::fprintf(stderr, "modharness throughput: stopped: %s\n", (*run)["stopped"].get<std::string>().c_str());
        return kExitStorage;
    }
    double wall = run->value("wall_seconds", 0.0);
    size_t cases = (*run)["cases"].size();
    int vms = 0, events = 0;
    for (const auto& g : (*run)["groups"]) {
        vms += g.value("vms", 0);
        events += g.value("kernel_events", 0);
    }
    nlohmann::json out = {{"schema", "modharness.throughput/1"},
                          {"kernel", (*run)["kernel"]},
                          {"accel", run->value("accel", "")},
                          {"boot_to_first_result_seconds", {{"median", boots[1]}, {"min", boots[0]}, {"max", boots[2]}}},
                          {"conformance",
                           {{"cases", cases},
                            {"wall_seconds", wall},
                            {"vms", vms},
                            {"kernel_events", events},
                            {"cases_per_second", wall > 0 ? static_cast<double>(cases) / wall : 0.0}}},
                          {"fuzz_execs_per_second", nullptr}};
    if (p->has("json")) {
        std::puts(out.dump(1).c_str());
        return kExitOk;
    }
    std::printf("kernel:                 %s (%s), accel %s\n", (*run)["kernel"].value("release", "?").c_str(),
                (*run)["kernel"].value("version", "?").c_str(), run->value("accel", "?").c_str());
    std::printf("boot-to-first-result:   %.2f s median (min %.2f, max %.2f; 3 boots)\n", boots[1], boots[0], boots[2]);
    std::printf("conformance:            %zu cases in %.1f s = %.1f cases/s (%d VMs, %d kernel events)\n", cases, wall,
                wall > 0 ? static_cast<double>(cases) / wall : 0.0, vms, events);
    std::printf("fuzzing exec/s:         n/a (no fuzz driver yet)\n");
    return kExitOk;
}

}  // namespace mh::cli
