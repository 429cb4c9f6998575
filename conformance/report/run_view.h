// Tolerant reading of modharness.conformance/1 runs: typed accessors that never throw on hostile JSON.
#pragma once

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mh::conformance {

// A loaded run is schema-checked only at its top level; every field below that may be missing
// or of the wrong type (old runs, hand edits, fuzz). These accessors turn that into "" / [] / 0
// so a report never throws half-way through writing a file.

// j[key] as a string: strings verbatim, missing/null as "", anything else as compact JSON.
std::string str(const nlohmann::json& j, std::string_view key);
// j[key] as a list of strings (each element through the rules of str); a lone string is a list of one.
std::vector<std::string> str_list(const nlohmann::json& j, std::string_view key);
// j[key] as a number, or fallback when missing / not a number.
double num(const nlohmann::json& j, std::string_view key, double fallback = 0.0);
// j[key] if it is an object (else an empty object).
const nlohmann::json& obj(const nlohmann::json& j, std::string_view key);
// run["cases"] elements that are objects, in run order.
std::vector<const nlohmann::json*> run_cases(const nlohmann::json& run);

// run["events"] elements that are objects: kernel reports between cases (modharness.event/1,
// "late"), each a KERNEL finding blamed on the case that ran last (`after_id`) and its VM.
std::vector<const nlohmann::json*> run_events(const nlohmann::json& run);
// "late kernel report after group/id (VM 3): TITLE".
std::string event_label(const nlohmann::json& e);

// Joins "a, b, c"; "-" for an empty list so table cells are never blank.
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");
// "-" for "", else s.
std::string or_dash(const std::string& s);

// The verdict columns every report shows, in severity-ascending order of the table.
inline constexpr std::array<std::string_view, 6> kVerdicts = {"PASS", "FAIL", "CONF", "BROK", "KERNEL", "RAN"};
// Index of v in kVerdicts; unknown verdicts (hostile input) count as BROK: something is wrong with the run.
std::size_t verdict_index(std::string_view v);
// Higher is worse: KERNEL > BROK > FAIL > CONF > PASS/RAN; used to colour and sort.
int verdict_severity(std::string_view v);

// The case's input class, "(none)" when it has none.
std::string case_class(const nlohmann::json& c);
// "init" / "finit" / other, from input.call.
std::string case_call(const nlohmann::json& c);
// "group/id", the join key rendered for people.
std::string case_key(const nlohmann::json& c);

// Natural order of class ids: F2 before F10, then plain string order.
bool class_less(const std::string& a, const std::string& b);

// Per-class tallies shared by the summary, the HTML matrix and the man-page table.
struct ClassTally {
    std::array<int, kVerdicts.size()> verdicts{};
    std::map<std::string, int> followed;  // "man" | "code" | "both" | "neither" | "undocumented" | "-" -> count
    std::map<std::string, std::array<int, kVerdicts.size()>> by_call;  // "init"/"finit"/... -> verdicts
    int cases = 0;
};
using Tallies = std::map<std::string, ClassTally, decltype(&class_less)>;
Tallies tally_by_class(const nlohmann::json& run);

// "debian-6.1-cloud (6.1.0-56-cloud-amd64)", or "unknown kernel".
std::string kernel_label(const nlohmann::json& run);

// The man page the run was scored against, "manpages-6.03"; "" for runs recorded before runs
// named one (their "followed" is against the page text of contract.txt of that time).
std::string man_page_name(const nlohmann::json& run);
// The outcomes of "followed" that the reports count, in column order.
inline constexpr std::array<std::string_view, 5> kFollowed = {"man", "code", "both", "neither", "undocumented"};

// run["uncovered"] elements that are objects: classes of contract.md §3 no case runs, and why.
std::vector<const nlohmann::json*> run_uncovered(const nlohmann::json& run);

}  // namespace mh::conformance
