// `modharness bench`: the options and output of the load-latency benchmark; the VM runs are
// bench/runner (guest program: bench/guest), the fd-vs-buffer report bench/report.
#include <cstdio>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"

#if MH_HAVE_BENCH
#include "bench/report/bench_report.h"
#include "bench/runner/bench_runner.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/number_option.h"
#include "harness/common/error_kind.h"
#include "harness/kernels/debian_packages.h"
#include "harness/kernels/kernel_cache.h"
#endif

namespace mh::cli {

#if !MH_HAVE_BENCH
int cmd_bench(const Args&) {
    std::fprintf(stderr, "modharness bench: this build has no benchmarks (configured with -DMH_BENCH=OFF)\n");
    return kExitEnvironment;
}
#else
namespace {

constexpr const char* kBenchHelp = R"(usage: modharness bench [options]

Measures module load latency inside a disposable QEMU VM: init_module from a buffer, from an mmap,
after read(); finit_module with a warm and a cold page cache; xz via finit(MODULE_INIT_COMPRESSED_FILE)
vs liblzma + init_module; delete_module; the latency of each early rejection class. Module files live
on an ext4 image on a brd RAM disk in the guest so that "cold" really drops their page cache.
Writes report.md (tables, ratios with 95 % CIs, cost models vs memcpy), summary.json and SVG plots.

options:
)";

constexpr const char* kBenchExitCodes = R"(
exit codes: 0 ok, 1 a run failed to produce results, 2 usage (or --out in use by another run),
3 environment, 4 results could not be stored, 130 interrupted
)";

std::vector<OptionSpec> bench_options() {
    return {
        {"kernel", "K", "kernel (default debian-6.1-cloud)"},
        {"compare", "K2", "also run kernel K2; the report shows both"},
        {"sizes", "LIST", "module payload sizes (default 8k,64k,512k,4m,16m,64m)"},
        {"repeat", "N", "VM runs per kernel (default 1; 2+ gives the run-to-run spread of the ratios)"},
        {"reps", "N", "samples per path for sizes below --large-from (default 21; counts are 1..100000)"},
        {"reps-large", "N", "samples per path from --large-from up (default 15)"},
        {"large-from", "SIZE", "(default 4m)"},
        {"reject-reps", "N", "samples per rejection class (default 60)"},
        {"xz-max", "SIZE", "largest size also measured xz-compressed (default 4m; 0 = none)"},
        {"calib-bytes", "SIZE", "memcpy calibration buffer (default 64m)"},
        {"quick", "", "smoke test: sizes 8k,64k, 3 samples, 5 rejection samples, xz at 8k"},
        {"accel", "A", "auto | tcg | kvm (default auto)"},
        {"memory", "MB", "guest memory, 128..65536 (default 2048)"},
        {"out", "DIR", "report directory (default bench/results/<kernel>[+<K2>]-<accel>-<UTC date>)"},
        {"no-fetch", "", "never download a kernel"},
        {"no-interleave", "", "run benchmarks one after another instead of randomly interleaved repetitions"},
        {"keep-work", "", "keep the initramfs, the module store and the raw result frames"},
        {"rerender", "DIR", "only rewrite the report in DIR from its saved raw data (no VM)"},
        {"help", "", ""},
    };
}

// The option values the plan is made from, as given.
bench::PlanOptions plan_options(const ParsedArgs& p) {
    bench::PlanOptions o;
    o.quick = p.has("quick");
    o.sizes = p.get("sizes");
    o.large_from = p.get("large-from");
    o.xz_max = p.get("xz-max");
    o.calib_bytes = p.get("calib-bytes");
    o.repeat = p.get("repeat");
    o.reps = p.get("reps");
    o.reps_large = p.get("reps-large");
    o.reject_reps = p.get("reject-reps");
    o.memory = p.get("memory");
    o.no_interleave = p.has("no-interleave");
    return o;
}

// The counts and memory as strict numbers (make_plan reads them again from the checked text).
Status check_plan_numbers(const ParsedArgs& p) {
    for (const char* count : {"repeat", "reps", "reps-large", "reject-reps"}) MH_TRY(number_option(p, count, 1, 1, 100000));
    MH_TRY(number_option(p, "memory", 2048, 128, 65536));
    return ok_status();
}

// --rerender DIR: the report again from its saved raw data, no VM.
int rerender(const std::string& dir) {
    auto input = bench::load_report_input(dir);
    if (!input) return report_error("bench", input.error());
    // The report is the result: a write that fails is exit 4 unless its error says otherwise.
    if (auto s = bench::write_report(*input, dir); !s) return report_error("bench", with_default_kind(s.error(), ErrorKind::kStorage));
    std::printf("%s\n", (std::filesystem::path(dir) / "report.md").c_str());
    return kExitOk;
}

}  // namespace

int cmd_bench(const Args& args) {
    const auto specs = bench_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("bench", p.error());
    if (p->has("help")) {
        std::fputs(kBenchHelp, stdout);
        print_option_help(stdout, specs);
        std::fputs(kBenchExitCodes, stdout);
        return kExitOk;
    }
    if (auto dir = p->get("rerender")) return rerender(*dir);
    if (auto numbers = check_plan_numbers(*p); !numbers) return report_error("bench", numbers.error());
    auto plan = bench::make_plan(plan_options(*p));
    if (!plan) return report_error("bench", usage_error(plan.error().message));
    bench::BenchOptions o;
    o.plan = *plan;
    o.kernels = {p->get_or("kernel", std::string(kernels::kDefaultKernel))};
    if (auto c = p->get("compare")) o.kernels.push_back(*c);
    for (const auto& k : o.kernels)
        if (auto named = kernels::check_kernel_name(k); !named) return report_error("bench", named.error());
    o.fetch = !p->has("no-fetch");
    o.accel = p->get_or("accel", "auto");
    if (auto out = p->get("out")) o.out = *out;
    o.keep_work = p->has("keep-work");
    o.command = "modharness bench";
    for (const auto& a : args) o.command += " " + a;
    o.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

    // From here on Ctrl-C stops a kernel download or seed build too (their process groups).
    const auto interrupted = install_interrupt_flag();
    auto target = bench::resolve_bench_target(o);
    // A bench target or run fails for want of a kernel, QEMU, headers or the guest program.
    if (!target) return report_error("bench", with_default_kind(target.error(), ErrorKind::kEnvironment));
    auto outcome = bench::run_bench(o, *target, interrupted);
    if (!outcome) return report_error("bench", with_default_kind(outcome.error(), ErrorKind::kEnvironment));
    if (outcome->interrupted) return kExitInterrupted;
    std::printf("%s\n", outcome->report.c_str());
    return outcome->failures ? kExitFindings : kExitOk;
}
#endif

}  // namespace mh::cli
