// What one `modharness bench` measures: module sizes, samples per path, calibration, VM size; made
// from the command's option values so the rules (defaults, --quick, limits) are testable without a VM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::bench {

struct Plan {
    std::vector<std::string> sizes{"8k", "64k", "512k", "4m", "16m", "64m"};
    int repeat = 1, reps = 21, reps_large = 15, reject_reps = 60, calib_reps = 9;
    uint64_t large_from = 4u << 20, xz_max = 4u << 20, calib_bytes = 64u << 20;
    int memory_mb = 2048;
    bool interleave = true;
};

// The option values as given (nullopt: not given); names as on the command line.
struct PlanOptions {
    bool quick = false;
    std::optional<std::string> sizes;  // "8k,64k"
    std::optional<std::string> large_from, xz_max, calib_bytes;  // sizes; "0" is zero
    std::optional<std::string> repeat, reps, reps_large, reject_reps, memory;
    bool no_interleave = false;
};

// The plan, or the usage error to print ("--xz-max: ...", "bad size '3q'", "counts must be >= 1").
Expected<Plan> make_plan(const PlanOptions& options);

}  // namespace mh::bench
