// The stable, versioned JSON form of one case result (one line of results.jsonl).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/vm/batch_runner.h"
#include "harness/vm/host_case.h"
#include "harness/vm/kernel_cache.h"

namespace mh::vm {

inline constexpr const char* kResultSchema = "modharness.result/1";

nlohmann::json result_to_json(const HostCase& hc, const CaseOutcome& co, const Kernel& kernel);

}  // namespace mh::vm
