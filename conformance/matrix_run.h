// A kernel matrix run: the conformance suite (or case files) on every kernel of a set, each into
// OUT/<kernel>/ as a normal conformance run directory, N kernels at a time, resumable.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/report/matrix.h"
#include "harness/common/expected.h"
#include "harness/kernels/kernel_set.h"
#include "harness/session/run_session.h"

namespace mh::conformance {

inline constexpr const char* kMatrixKernelSchema = "modharness.matrix-kernel/1";
// The record of a finished kernel in OUT/<kernel>/: what --resume reuses without running again.
inline constexpr const char* kMatrixKernelFile = "matrix-kernel.json";

// What every kernel runs: the suite (groups, --only) or case files.
struct MatrixSelection {
    std::filesystem::path conformance_dir;
    std::vector<std::string> groups;  // empty: all
    std::string only;  // conform's --only
    std::string man_page;  // conform's --man-page ("" = the kernel's distribution's page)
    std::vector<std::filesystem::path> case_files;  // non-empty: these instead of the suite
    // {"groups", "only", "man_page", "case_files"}: a finished kernel is reused by --resume only when equal.
    nlohmann::json to_json() const;
};

// One kernel's part of the matrix.
struct KernelRun {
    std::size_t index = 0;  // in the set
    kernels::SetMember member;
    // "ran", "resumed" (a finished run reused), "failed" (error says why), "interrupted",
    // "stopped" (results could not be stored), "not run" (the matrix stopped before it).
    std::string status = "not run";
    std::optional<Error> error;
    nlohmann::json run;  // its conformance.json (null when it has none)
    bool downloaded = false;  // fetched from the archive by this matrix
    double fetch_seconds = 0;  // resolving and downloading the kernel
    double prepare_seconds = 0;  // seed modules, initramfs, accelerator (suite wall minus its batches)
    double run_seconds = 0;  // the batches: VM boots and cases
    double total_seconds = 0;
    int vm_boots = 0;

    // The matrix's "kernels" entry (docs/matrix.md).
    nlohmann::json kernel_json() const;
};

struct MatrixOptions {
    std::vector<kernels::SetMember> kernels;
    MatrixSelection selection;
    // Per kernel, `kernel`, `out_dir` (OUT/<kernel>) and `resume` are set from the member; the
    // rest (accelerator, memory, timeouts, fetch, interrupt flag...) applies to every kernel.
    session::SessionOptions session;
    std::filesystem::path out_dir;  // OUT
    bool resume = false;  // reuse finished kernels; continue the others with the suite's resume
    unsigned jobs = 1;  // kernels run at once (each its own VMs)
    // Called from the worker threads, one call at a time.
    std::function<void(const KernelRun&)> on_start;
    std::function<void(const KernelRun&, std::size_t finished)> on_done;
    std::function<void(const KernelRun&, const std::string&)> on_progress;
};

struct MatrixRunResult {
    std::vector<KernelRun> kernels;  // set order
    double wall_seconds = 0;
    bool interrupted = false;
    std::string stopped;  // non-empty: a kernel's results could not be stored; later kernels not started
};

// Runs every kernel (fetched into the cache when missing). Failures of one kernel (fetch, build,
// boot) are recorded in its KernelRun and the others go on; an interrupt or a storage failure
// stops starting new kernels. The returned Error is for the matrix as a whole (none so far).
Expected<MatrixRunResult> run_matrix(const MatrixOptions& options);

// The columns for build_matrix, in set order.
std::vector<MatrixColumn> matrix_columns(const MatrixRunResult& result);

// {"wall_seconds", "fetch_seconds", "fetch_share", "prepare_seconds", "run_seconds", "vm_boots",
//  "kernels_fetched", "jobs"}: the matrix's "timing".
nlohmann::json matrix_timing(const MatrixRunResult& result, unsigned jobs);

}  // namespace mh::conformance
