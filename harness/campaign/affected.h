// Which kernels a minimised crash affects. A module image only loads on the kernel it was built
// for (vermagic, struct module layout), so the crash's differences from its seed are written into
// each kernel's own build of that seed (port_differences: the same ELF fields, symbols, sections)
// and replayed with the minimised call in a fresh VM on that kernel.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/campaign/image_diff.h"
#include "harness/campaign/repro.h"
#include "harness/common/expected.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::campaign {

struct KernelOutcome {
    std::string kernel;  // the name it was asked by
    std::string release;
    std::string outcome;  // "crash" (the same title), "other-crash", "no-crash", "not-portable", "error"
    std::string title;  // the crash seen ("" without one)
    std::string detail;  // why not portable, or the error
    double seconds = 0;
};

struct AffectedOptions {
    ReplayOptions replay;  // accel, executor, engine, memory, work_dir; kernel and environment are set per kernel
    std::string seed;  // the seed module the differences are from ("consumer")
    std::vector<ImageDifference> differences;  // all of them are applied
    mutate::CallSpec call;  // the minimised call
    std::string title;  // the crash to look for
    std::function<void(const KernelOutcome&)> on_kernel;  // progress, after each kernel
};

// One outcome per kernel, in order. A kernel that cannot be prepared or replayed gets "error" with
// the reason and the others go on; an interrupt stops (the error is the result).
Expected<std::vector<KernelOutcome>> replay_on_kernels(const std::vector<kernels::Kernel>& kernels, const AffectedOptions& options);

// affected.json: {"schema":"modharness.affected/1","seed":..,"call":..,"title":..,"differences":[..],"kernels":[..]}
std::string affected_json(const AffectedOptions& options, const std::vector<KernelOutcome>& outcomes);

// The per-kernel outcomes of an affected.json read back (`triage --reuse`).
Expected<std::vector<KernelOutcome>> parse_affected_json(std::string_view text);

}  // namespace mh::campaign
