// The modharness subcommands: each is a function from its arguments to an exit code (see args.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mh::cli {

using Args = std::vector<std::string>;

struct Command {
    std::string_view name;
    std::string_view summary;  // one line for the top-level --help
    int (*run)(const Args& args);
};

// Kernel provisioning (cmd_kernel.cpp): fetch, list, path.
int cmd_kernel(const Args& args);
// Seed modules (cmd_seeds.cpp): build the corpus modules against a kernel.
int cmd_seeds(const Args& args);
// Run a case list in VMs (cmd_run.cpp).
int cmd_run(const Args& args);
// Conformance suite (cmd_conform.cpp) and the diff of two runs (cmd_diff.cpp).
int cmd_conform(const Args& args);
int cmd_diff(const Args& args);
// The shards of a conformance run joined into one run (cmd_merge_runs.cpp).
int cmd_merge_runs(const Args& args);
// A LAVA job for case files, and its log judged as a run (cmd_lava.cpp).
int cmd_lava_job(const Args& args);
int cmd_lava_results(const Args& args);
// The contract data (cmd_contract.cpp): evidence per rule from recorded runs, class coverage.
int cmd_contract(const Args& args);
// The suite (or case files) on every kernel of a kernel set, with change points (cmd_matrix.cpp).
int cmd_matrix(const Args& args);
// The first kernel of a set where one case changes, and the changelog entries there (cmd_bisect.cpp).
int cmd_bisect(const Args& args);
// Kernel reports to functions and source lines against the kernel's DWARF vmlinux (cmd_symbolize.cpp).
int cmd_symbolize(const Args& args);
// Load-latency benchmark, fd vs buffer path, in VMs (cmd_bench.cpp).
int cmd_bench(const Args& args);
// Harness throughput figures (cmd_throughput.cpp).
int cmd_throughput(const Args& args);
// Accelerator probe (cmd_accel.cpp).
int cmd_accel(const Args& args);
// ELF model (cmd_elf.cpp): inspect, gen, malformations, check-package.
int cmd_inspect(const Args& args);
int cmd_gen(const Args& args);
int cmd_malformations(const Args& args);
int cmd_check_package(const Args& args);
// KCOV coverage of the module loader by a set of reached PCs (cmd_cover.cpp).
int cmd_cover(const Args& args);

// Fuzzing campaigns (cmd_fuzz.cpp).
int cmd_fuzz(const Args& args);
// Several campaigns' corpora minimised into one in a fuzz VM, crashes joined (cmd_fuzz_merge.cpp).
int cmd_fuzz_merge(const Args& args);
int cmd_repro(const Args& args);
// A campaign's crashes to deduplicated, attributed, minimised findings (cmd_triage.cpp).
int cmd_triage(const Args& args);

const std::vector<Command>& all_commands();

}  // namespace mh::cli
