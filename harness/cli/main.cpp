// modharness entry point: dispatches to subcommands and prints the top-level help.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/paths/artefact_paths.h"

namespace mh::cli {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands = {
        {"conform", "run the conformance suite on one or more kernels; reports (table, JSON, JUnit, HTML) and diff", cmd_conform},
        {"matrix", "the suite (or case files) on every kernel of a set (debian-6.12-cloud@all...): cases x kernels, change points",
         cmd_matrix},
        {"bisect", "the first kernel of a set where one case's result changes; the changelog commits at that boundary", cmd_bisect},
        {"symbolize", "kernel reports to functions and file:line (inlined calls too), from the kernel's DWARF vmlinux", cmd_symbolize},
        {"diff", "compare two conformance runs: every case whose errno, verdict, log class or taint differs", cmd_diff},
        {"lava-job", "write a LAVA job (qemu device type) running case files; lava-run runs it without a server", cmd_lava_job},
        {"lava-results", "judge a LAVA job's log as `run` judges its VMs: JSON, JUnit, HTML", cmd_lava_results},
        {"merge-runs", "join the shards of a run (conform or run --shard I/N on N CI runners) into one", cmd_merge_runs},
        {"contract", "the contract data: which recorded runs support each rule (evidence); class coverage", cmd_contract},
        {"run", "run a case list on a kernel inside disposable QEMU VMs; print a table / JSON lines", cmd_run},
        {"kernel", "fetch Debian kernels (+headers) into the cache, list them, print paths", cmd_kernel},
        {"seeds", "build the seed modules in corpus/modules against a kernel's headers", cmd_seeds},
        {"bench", "load-latency benchmark in VMs: finit_module (fd) vs init_module (buffer) by size; report + plots", cmd_bench},
        {"throughput", "the harness's own speed: boot-to-first-result, conformance cases/s", cmd_throughput},
        {"fuzz", "time-boxed, resumable fuzzing campaign in VMs (libFuzzer/AFL++, KCOV or black-box); crashes grouped", cmd_fuzz},
        {"repro", "replay a fuzzing crash in a fresh VM: reproduces or not; minimise; C reproducer", cmd_repro},
        {"triage", "a campaign's crashes to findings: replayed, minimised, symbolised, deduplicated by culprit", cmd_triage},
        {"cover", "KCOV coverage of the module loader by a set of PCs: per file/function, HTML with coloured sources", cmd_cover},
        {"accel", "probe whether KVM really boots a kernel here, else TCG", cmd_accel},
        {"inspect", "print what the ELF reader sees in a module file, with errors", cmd_inspect},
        {"gen", "write a module (synthesised or from a seed) with malformations applied", cmd_gen},
        {"malformations", "list the malformation catalogue (text or --json)", cmd_malformations},
        {"check-package", "parse + round-trip every .ko in a kernel package or directory", cmd_check_package},
    };
    return commands;
}

static void print_help() {
    std::printf(
        "modharness — conformance, fuzzing and benchmarks for init_module(2) / finit_module(2)\n"
        "\n"
        "The module syscalls are only ever called inside disposable QEMU VMs booted on real\n"
        "kernels; the host never calls them.\n"
        "\n"
        "usage: modharness <command> [options]     (modharness <command> --help for details)\n\n"
        "commands:\n");
    for (const auto& c : all_commands())
        std::printf("  %-15s %.*s\n", std::string(c.name).c_str(), static_cast<int>(c.summary.size()), c.summary.data());
    std::printf(
        "\nenvironment:\n"
        "  MH_CACHE_DIR   cache for kernels, seed modules, probes, snapshots of ready guests\n"
        "                 (default ~/.cache/modharness)\n"
        "  MH_EXECUTOR, MH_GUEST_FUZZ_DIR, MH_GUEST_BENCH, MH_CORPUS_DIR, MH_PROFILES_DIR, MH_CONFORMANCE_DIR\n"
        "                 where the guest programs and data are (default: the installation this binary is in,\n"
        "                 else this build tree; modharness --version --verbose)\n"
        "\nexit codes: 0 ok, 1 findings (FAIL/BROK/KERNEL), 2 usage (also: --out in use by another run:\n"
        "            one run per output directory), 3 environment, 4 results could not be stored (disk\n"
        "            full, read-only: stopped, --resume later), 130 interrupted\n");
}

// What `--version --verbose` shows: each guest program and data directory, where it was found
// and whether it is there, so a relocated or half-built installation is diagnosed in one line.
void print_artefact_paths() {
    for (const auto& a : mh::paths::resolve_all()) {
        std::error_code ec;
        const bool there = !a.path.empty() && std::filesystem::exists(a.path, ec);
        std::printf("  %-16s %s (%s%s)\n", a.name.c_str(), a.path.empty() ? "-" : a.path.c_str(), a.origin.c_str(),
                    there ? "" : ", missing");
    }
}

}  // namespace mh::cli

int main(int argc, char** argv) {
    using namespace mh::cli;
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
        print_help();
        return argc < 2 ? kExitUsage : kExitOk;
    }
    if (std::string(argv[1]) == "--version") {
        std::printf("modharness 0.1.0\n");
        if (argc > 2 && std::string(argv[2]) == "--verbose") print_artefact_paths();
        return kExitOk;
    }
    std::string name = argv[1];
    Args args(argv + 2, argv + argc);
    for (const auto& c : all_commands())
        if (c.name == name) return c.run(args);
    std::fprintf(stderr, "modharness: unknown command '%s' (try modharness --help)\n", name.c_str());
    return kExitUsage;
}
