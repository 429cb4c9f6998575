// The baseline gate: the regression diff of a recorded run (A) and this run (B), with the kernel
// line checked and the baseline narrowed to the cases a filtered run ran.
#include "conformance/report/baseline_gate.h"

#include <set>
#include <utility>

#include "conformance/report/run_diff.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

using Key = std::pair<std::string, std::string>;  // (group, id), the diff's join key

std::set<Key> case_keys(const nlohmann::json& run) {
    std::set<Key> keys;
    for (const auto* c : run_cases(run)) keys.insert({str(*c, "group"), str(*c, "id")});
    return keys;
}

// The baseline with only the cases (and the late reports after cases) in `keys`.
nlohmann::json narrowed(const nlohmann::json& baseline, const std::set<Key>& keys) {
    nlohmann::json out = baseline;
    nlohmann::json cases = nlohmann::json::array(), events = nlohmann::json::array();
    for (const auto* c : run_cases(baseline))
        if (keys.count({str(*c, "group"), str(*c, "id")})) cases.push_back(*c);
    for (const auto* e : run_events(baseline))
        if (keys.count({str(*e, "group"), str(*e, "after_id")})) events.push_back(*e);
    out["cases"] = std::move(cases);
    if (baseline.contains("events")) out["events"] = std::move(events);
    return out;
}

std::string release_label(const nlohmann::json& run) {
    const auto& k = obj(run, "kernel");
    std::string s = or_dash(str(k, "release"));
    if (!str(k, "version").empty()) s += " (" + str(k, "version") + ")";
    return s;
}

int kernel_events_in_both(const nlohmann::json& a, const nlohmann::json& b) {
    std::set<Key> kernel_b;
    for (const auto* c : run_cases(b))
        if (str(*c, "verdict") == "KERNEL") kernel_b.insert({str(*c, "group"), str(*c, "id")});
    std::set<std::string> events_b;
    for (const auto* e : run_events(b)) events_b.insert(str(*e, "group") + "/" + str(*e, "after_id") + "/" + str(*e, "title"));
    int n = 0;
    for (const auto* c : run_cases(a))
        if (str(*c, "verdict") == "KERNEL" && kernel_b.count({str(*c, "group"), str(*c, "id")})) ++n;
    for (const auto* e : run_events(a))
        if (events_b.count(str(*e, "group") + "/" + str(*e, "after_id") + "/" + str(*e, "title"))) ++n;
    return n;
}

}  // namespace

std::string kernel_line(const nlohmann::json& run) {
    const auto& k = obj(run, "kernel");
    std::string v = str(k, "version");
    if (v.empty()) v = str(k, "release");
    // major.minor: up to the second '.', or the first character that is not a digit or '.'.
    std::size_t dots = 0, i = 0;
    for (; i < v.size(); ++i) {
        if (v[i] == '.' && ++dots == 2) break;
        if (v[i] != '.' && (v[i] < '0' || v[i] > '9')) break;
    }
    return dots >= 1 ? v.substr(0, i) : "";
}

Expected<BaselineCheck> check_against_baseline(const nlohmann::json& baseline, const nlohmann::json& run, bool only_run_cases) {
    const std::string base_line = kernel_line(baseline), run_line = kernel_line(run);
    if (base_line.empty() || run_line.empty() || base_line != run_line)
        return usage_error("the baseline is a run of kernel " + release_label(baseline) + " and this run is of " + release_label(run) +
                           ": a baseline gates runs of its own kernel line (" + or_dash(base_line) + ")");
    BaselineCheck check;
    const nlohmann::json base = only_run_cases ? narrowed(baseline, case_keys(run)) : baseline;
    check.diff = diff_runs(base, run);
    check.matches = diff_is_empty(check.diff);
    if (str(obj(baseline, "kernel"), "release") != str(obj(run, "kernel"), "release"))
        check.version_step = release_label(baseline) + " -> " + release_label(run);
    check.known_kernel_events = kernel_events_in_both(base, run);
    return check;
}

std::string baseline_text(const BaselineCheck& check, const std::string& where) {
    std::string out;
    if (!check.version_step.empty()) out += "baseline version step: " + check.version_step + "\n";
    if (check.matches) {
        out += "matches the baseline " + where + " (" + std::to_string(check.known_kernel_events) + " known kernel event" +
               (check.known_kernel_events == 1 ? "" : "s") + ")\n";
        return out;
    }
    out += "differs from the baseline " + where + ":\n";
    out += diff_text(check.diff);
    return out;
}

}  // namespace mh::conformance
