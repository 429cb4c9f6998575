// `modharness seeds`: build the corpus seed modules against a kernel's headers (cached per release).
#include <chrono>
#include <cstdio>
#include <string>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/seed_modules.h"

namespace mh::cli {
namespace {

std::vector<OptionSpec> seeds_options() {
    return {
        {"kernel", "K",
         "alias, Debian package, release or path to a bzImage (default " + std::string(mh::kernels::kDefaultKernel) +
             ");\n"
             "a Debian kernel missing from the cache is fetched unless --no-fetch"},
        {"build-tree", "DIR", "kernel build tree to build against (needed for your own bzImage)"},
        {"big-size", "SIZE", "also build big_<SIZE> (e.g. 64M: module mh_big_64m with a 64 MiB payload)", kRepeatable},
        {"list", "", "print the seed catalogue and exit"},
        {"verbose", "", "show make's output"},
        {"no-fetch", "", "never download a kernel; fail if it is not cached"},
        {"help", "", ""},
    };
}

void print_seeds_help(const std::vector<OptionSpec>& specs) {
    std::fputs(
        "usage: modharness seeds [--kernel K] [--build-tree DIR] [--big-size SIZE] [--no-fetch]\n"
        "                        [--verbose] [--list] [SEED...]\n"
        "\n"
        "Builds the seed modules of corpus/modules against kernel K's headers with kbuild\n"
        "(make -C <headers> M=<dir> modules) and caches them under <cache>/seeds/<release>/; a seed is\n"
        "rebuilt only when its sources change. Prints one line per seed: name, .ko path.\n"
        "\n"
        "options:\n",
        stdout);
    print_option_help(stdout, specs, 20);
    std::fputs(
        "\n"
        "SEED: names from --list, or big_<size> (big_64m); default: every catalogue seed.\n"
        "exit codes: 0 ok, 2 usage, 3 environment (no kernel/headers, build failed), 130 interrupted\n",
        stdout);
}

}  // namespace

int cmd_seeds(const Args& args) {
    const auto specs = seeds_options();
    auto parsed = parse_args(args, specs);
    if (!parsed) return report_error("seeds", parsed.error());
    const auto& p = *parsed;
    if (p.has("help")) {
        print_seeds_help(specs);
        return kExitOk;
    }
    if (p.has("list")) {
        for (const auto& s : mh::kernels::seed_catalogue())
            std::printf("%-10s %-12s %s%s\n", std::string(s.name).c_str(), std::string(s.module).c_str(), std::string(s.summary).c_str(),
                        s.fault ? "  [fault]" : "");
        return kExitOk;
    }

    std::vector<std::string> names = p.positionals;
    for (const auto& size_text : p.all("big-size")) {
        auto size = mh::kernels::parse_size(size_text);
        if (!size) return report_error("seeds", usage_error("--big-size: " + size.error().message));
        if (names.empty()) names = mh::kernels::default_seed_names();
        names.push_back(mh::kernels::big_seed_name(*size));
    }
    for (const auto& n : names) {
        if (auto spec = mh::kernels::parse_seed_name(n); !spec) return report_error("seeds", spec.error());
    }

    // Ctrl-C stops a kernel download or a make (their process groups) and exits 130.
    const auto interrupted = install_interrupt_flag();
    auto kernel = mh::kernels::resolve_kernel(p.get_or("kernel", std::string(mh::kernels::kDefaultKernel)), !p.has("no-fetch"),
                                              p.get_or("build-tree", ""), interrupted);
    if (!kernel) return report_error("seeds", kernel.error());
    const auto t0 = std::chrono::steady_clock::now();
    mh::kernels::SeedBuildOptions so;
    so.verbose = p.has("verbose");
    so.interrupted = interrupted;
    auto set = mh::kernels::build_seed_modules(*kernel, names, so);
    if (!set) return report_error("seeds", set.error());
    for (const auto& [name, ko] : set->modules) std::printf("%-10s %s\n", name.c_str(), ko.string().c_str());
    std::fprintf(stderr, "modharness seeds: %zu modules for %s in %.2f s (%s)\n", set->modules.size(), kernel->release.c_str(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), set->dir.string().c_str());
    return kExitOk;
}

}  // namespace mh::cli
