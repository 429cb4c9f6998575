// The host half of the guest's module store: the module files of every size (and their .ko.xz), the
// rejection inputs, and the manifest (/mh/bench.conf) that tells the guest bench what to measure.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/runner/bench_plan.h"
#include "harness/common/expected.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::bench {

// Fills `store` (emptied first) with the seed modules of `plan.sizes` built for `k`, their xz
// variants up to plan.xz_max and the malformed rejection inputs; returns the manifest text. Inputs
// that could not be made are skipped with a line in `notes`. `progress` gets one line per step.
Expected<std::string> fill_module_store(const kernels::Kernel& k, const Plan& plan, const std::filesystem::path& store,
                                        std::vector<std::string>& notes, const std::function<void(const std::string&)>& progress);

}  // namespace mh::bench
