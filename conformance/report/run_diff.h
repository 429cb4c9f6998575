// The regression diff of two conformance runs (modharness.diff/1), joined on (group, id).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mh::conformance {

inline constexpr std::string_view kDiffSchema = "modharness.diff/1";

// The fields whose change makes a case "changed", in report order.
inline constexpr std::string_view kDiffFields[] = {"errno", "verdict", "log_class", "taint_added"};

// {"schema": "modharness.diff/1",
//  "a": {run identity}, "b": {...},                      // kernel name/release/version, started_utc, accel, cases
//  "summary": {"in_both", "same", "changed", "only_a", "only_b"},
//  "classes": [{"class", "title",                        // natural class order; a case's class from A, else B
//               "changed": [{"group", "id", "call", "fields": [...], "a": {...}, "b": {...}}],
//               "only_a": [{"group", "id", "call", "verdict", "errno"}], "only_b": [...]}],
//  "events": {"only_a": [{"group", "after_id", "title"}], "only_b": [...]},  // late kernel reports
//  "warnings": ["..."]}                                  // duplicate keys, class moved between runs
// Absent fields compare as "" (shown as "-"). Only classes with at least one entry are listed.
nlohmann::json diff_runs(const nlohmann::json& a, const nlohmann::json& b);

// True when the diff lists no changed / only-in-A / only-in-B case.
bool diff_is_empty(const nlohmann::json& diff);

// Plain text for the terminal, grouped by class; "no differences" line when empty.
std::string diff_text(const nlohmann::json& diff);

}  // namespace mh::conformance
