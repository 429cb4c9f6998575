// The terminal summary of a conformance run: per-class verdict table, totals, non-PASS cases.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mh::conformance {

// Plain text, lines at most 100 columns (long reasons are cut with "..."), control bytes from
// the kernel shown as \xNN so a console excerpt cannot drive the terminal.
std::string summary_text(const nlohmann::json& run);

// For terminal output: control bytes and invalid UTF-8 as \xNN; cut to max_cols code points with "...".
std::string terminal_clean(std::string_view s, std::size_t max_cols = std::string_view::npos);

}  // namespace mh::conformance
