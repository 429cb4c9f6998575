// `modharness bench` without its command line: resolves the kernels and the accelerator, then per
// kernel builds the initrd, boots the guest bench plan.repeat times, collects each run and writes
// the report (bench/report) into the output directory.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/runner/bench_plan.h"
#include "harness/common/expected.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/vm/qemu_argv.h"

namespace mh::bench {

struct BenchOptions {
    Plan plan;
    std::vector<std::string> kernels;  // as asked: one, or two to compare (the report shows both)
    bool fetch = true;  // may download a kernel
    std::string accel = "auto";  // auto | tcg | kvm
    std::optional<std::filesystem::path> out;  // nullopt: bench/results/<kernels>-<accel>-<UTC start>
    bool keep_work = false;  // keep the initramfs, the module store and the raw result frames
    std::string command;  // the command line, for the report and command.txt
    std::function<void(const std::string&)> progress;  // one stderr line each, as the command prints it
};

// What is settled before any VM boots: the kernels (parallel to BenchOptions::kernels), the
// accelerator and the output directory (created).
struct BenchTarget {
    std::vector<kernels::Kernel> kernels;
    vm::Accel accel = vm::Accel::Tcg;
    std::string accel_name;  // "tcg"
    std::filesystem::path out;
};

Expected<BenchTarget> resolve_bench_target(const BenchOptions& options);

struct BenchOutcome {
    std::filesystem::path report;  // <out>/report.md
    int failures = 0;  // runs that produced no results
    bool interrupted = false;  // stopped by the flag: no report written
};

// Errors are environment problems: an initrd not built, QEMU not started, the report not written.
Expected<BenchOutcome> run_bench(const BenchOptions& options, const BenchTarget& target, const std::atomic<bool>* interrupted);

}  // namespace mh::bench
