// Evidence per contract rule (modharness.evidence/1) as HTML: a section for the run report, or a page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// <section id="evidence">…</section>: the runs the evidence comes from, the count per status, and
// one row per rule: the kernels it claims, its condition and set, the kernels whose runs observed
// consistent results, those that contradicted it, or "source only".
std::string rule_evidence_html_section(const nlohmann::json& evidence);
// A self-contained page holding that section.
std::string rule_evidence_html(const nlohmann::json& evidence);

}  // namespace mh::conformance
