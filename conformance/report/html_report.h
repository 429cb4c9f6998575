// The self-contained HTML report of one conformance run, readable at a glance.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// One file, inline CSS, no scripts: header (kernel, man page, accelerator, wall time, verdict
// totals), groups, the class x call matrix coloured by the worst verdict in each cell, the classes
// no case covers, the "man page vs code" and "undocumented" tables, one section of evidence per
// FAIL/BROK/KERNEL case, every case in a collapsed table, the evidence per contract rule when
// `evidence` (modharness.evidence/1) is given, and the diff section when `diff`
// (modharness.diff/1) is given. All text is escaped.
std::string html_report(const nlohmann::json& run, const nlohmann::json* diff = nullptr, const nlohmann::json* evidence = nullptr);

}  // namespace mh::conformance
