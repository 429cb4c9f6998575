// The regression diff as HTML: a section for the run report, or a page of its own.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// <section id="diff">…</section>: per class, a table of changed cases (A value vs B value for
// each compared field, changed cells highlighted) and the cases only in A / only in B.
std::string diff_html_section(const nlohmann::json& diff);
// A self-contained page holding that section.
std::string diff_html(const nlohmann::json& diff);

}  // namespace mh::conformance
