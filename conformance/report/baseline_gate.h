// The baseline gate: a run compared with a recorded run of the same kernel line. CI needs "did
// anything change since the known state", not "are there findings": a kernel's known KERNEL events
// are in its baseline, so an unchanged kernel passes and any changed case fails, named.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/common/expected.h"

namespace mh::conformance {

struct BaselineCheck {
    nlohmann::json diff;  // modharness.diff/1, A = the baseline, B = this run
    bool matches = false;  // no changed case, none only on one side, no event only on one side
    std::string version_step;  // "6.1.0-56-cloud-amd64 (6.1.192) -> 6.1.0-57-cloud-amd64 (6.1.193)"; "" when equal
    int known_kernel_events = 0;  // KERNEL verdicts and late reports of the baseline that this run has too
};

// "6.1" of a run's kernel.version ("6.1.192"), else of kernel.release; "" when neither says.
std::string kernel_line(const nlohmann::json& run);

// Compares `run` with `baseline`. With `only_run_cases` (the run was filtered by --only/--group)
// baseline cases the run did not include are left out. A baseline of another kernel line is a
// usage error: a 6.1 baseline says nothing about 6.12.
Expected<BaselineCheck> check_against_baseline(const nlohmann::json& baseline, const nlohmann::json& run, bool only_run_cases);

// "matches the baseline DIR (N known kernel events)" or the differences, for the terminal.
std::string baseline_text(const BaselineCheck& check, const std::string& where);

}  // namespace mh::conformance
