// Sharded conformance runs: the expected cost of each case (for the shard cut) from a recorded
// run, and the shards' conformance.json files joined back into the run an unsharded suite writes.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::conformance {

// A boot (2 s on 6.1 under TCG) takes about as long as 25 cases (0.07 s each).
constexpr double kBootCostInCases = 25;

using CaseCost = std::function<double(const std::string& group, const std::string& id)>;

// From a recorded run of the same kernel (its baseline): 1 per case, plus a boot for a case that
// ended its VM (KERNEL verdict, or a kernel report printed after it), since the next case then
// waits for a fresh VM. Cases the run does not have cost 1.
CaseCost expected_case_costs(const nlohmann::json& recorded_run, double boot_cost);

// Joins the shards of one suite (conformance.json each, any order): cases and events in suite
// order (shard 1 first: each shard is a contiguous slice), groups merged by name (counts summed,
// wall time the longest shard's), summary and followed_summary recounted, "shard" replaced by
// "merged_shards". Errors: not a conformance run, different kernels or shard counts, a shard
// missing or given twice, an unsharded run among them, a shard that was interrupted or stopped.
Expected<nlohmann::json> merge_shard_runs(const std::vector<nlohmann::json>& shards);

}  // namespace mh::conformance
