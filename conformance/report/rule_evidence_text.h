// Evidence per contract rule (modharness.evidence/1) as text for the terminal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// The runs, the count per status, then one line per rule: status, rule, claimed kernels, the
// kernels that observed it (consistent/cases) and those that contradicted it. At most 100 columns.
std::string rule_evidence_text(const nlohmann::json& evidence);

// "6.1.192 (2/2)" per observing run, "-" when none: the runs whose results the rule held for.
std::string rule_observed_on(const nlohmann::json& rule);
// "6.12.117 (1/3: default/k4-x)" per contradicting run, "-" when none.
std::string rule_contradicted_on(const nlohmann::json& rule);

}  // namespace mh::conformance
