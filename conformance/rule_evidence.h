// Evidence per contract rule: which recorded runs (the committed baselines, later a version matrix)
// observed results consistent with each rule, and which rules are derived from source only.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/contract.h"
#include "harness/common/expected.h"

namespace mh::conformance {

inline constexpr std::string_view kEvidenceSchema = "modharness.evidence/1";

struct RecordedRun {
    std::string source;  // where it was read from, for people
    nlohmann::json run;  // modharness.conformance/1
};

// Each recorded case is judged again under the current contract: the rule the suite would pick for
// its class, malformation, kernel version, config and group (module.sig_enforce=1). Per rule and
// run: cases, results inside the rule's set (consistent), outside it (contradicted), no result.
// A rule's status: "observed" (consistent results, none contradicting), "contradicted", "recorded"
// (a "*" rule: results kept, nothing to support), "no-result" (cases, none gave a result), or
// "source-only" (no run has a case for it). Runs may come from any number of kernels; each is
// listed in "runs". Returns modharness.evidence/1 (docs/conformance-json.md).
nlohmann::json rule_evidence(const Contract& contract, const std::vector<RecordedRun>& runs);

// Reads the runs (each a conformance.json or a run directory); errors name the file.
Expected<std::vector<RecordedRun>> load_recorded_runs(const std::vector<std::filesystem::path>& paths);

// The committed baselines: DIR/baselines/*/conformance.json, sorted by path (empty if none).
std::vector<std::filesystem::path> baseline_runs(const std::filesystem::path& conformance_dir);

}  // namespace mh::conformance
