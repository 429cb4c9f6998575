// Evidence per contract rule as text: one line per rule, the runs that observed or contradicted it.
#include "conformance/report/rule_evidence_text.h"

#include <cstdio>

#include "conformance/report/run_view.h"
#include "conformance/report/summary_text.h"

namespace mh::conformance {
namespace {

const nlohmann::json& array_at(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    if (!j.is_object()) return empty;
    auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

// A run as people name it: its version, else its kernel name.
std::string who(const nlohmann::json& o) {
    std::string v = str(o, "version");
    return v.empty() ? or_dash(str(o, "kernel")) : v;
}

// Within one rule's runs: the version, or the release where two builds share a version
// (6.1.0-56 and 6.1.0-57 are both 6.1.192).
std::string who_among(const nlohmann::json& o, const nlohmann::json& all) {
    int same = 0;
    for (const auto& x : all) same += who(x) == who(o);
    std::string rel = str(o, "release");
    return same > 1 && !rel.empty() ? rel : who(o);
}

}  // namespace

std::string rule_observed_on(const nlohmann::json& rule) {
    std::vector<std::string> out;
    for (const auto& o : array_at(rule, "observed")) {
        long consistent = static_cast<long>(num(o, "consistent")), cases = static_cast<long>(num(o, "cases"));
        if (consistent > 0)
            out.push_back(who_among(o, array_at(rule, "observed")) + " (" + std::to_string(consistent) + "/" + std::to_string(cases) + ")");
    }
    return join(out);
}

std::string rule_contradicted_on(const nlohmann::json& rule) {
    std::vector<std::string> out;
    for (const auto& o : array_at(rule, "observed")) {
        long bad = static_cast<long>(num(o, "contradicted")), cases = static_cast<long>(num(o, "cases"));
        if (bad > 0)
            out.push_back(who_among(o, array_at(rule, "observed")) + " (" + std::to_string(bad) + "/" + std::to_string(cases) + ": " +
                          join(str_list(o, "contradicting")) + ")");
    }
    return join(out);
}

std::string rule_evidence_text(const nlohmann::json& evidence) {
    std::string out = "evidence per contract rule, from " + std::to_string(array_at(evidence, "runs").size()) + " recorded run(s):\n";
    for (const auto& r : array_at(evidence, "runs")) {
        out += terminal_clean("  " + who(r) + " (" + or_dash(str(r, "kernel")) + " " + or_dash(str(r, "release")) +
                                  "): " + std::to_string(static_cast<long>(num(r, "matched"))) + " of " +
                                  std::to_string(static_cast<long>(num(r, "cases"))) + " cases under a rule",
                              100) +
               "\n";
        out += terminal_clean("    " + or_dash(str(r, "source")), 100) + "\n";
    }
    std::string counts;
    for (const auto& [status, n] : obj(evidence, "summary").items())
        counts += (counts.empty() ? "" : ", ") + std::to_string(n.is_number() ? n.get<long>() : 0) + " " + status;
    out += "rules: " + or_dash(counts) + "\n\n";
    char head[128];
    std::snprintf(head, sizeof head, "%-12s %-36s %4s %-10s %s\n", "status", "rule", "line", "kernels", "observed on (consistent/cases)");
    out += head;
    for (const auto& r : array_at(evidence, "rules")) {
        char line[512];
        std::snprintf(line, sizeof line, "%-12s %-36s %4ld %-10s %s", str(r, "status").c_str(), str(r, "rule").c_str(),
                      static_cast<long>(num(r, "line")), str(r, "kernels").c_str(), rule_observed_on(r).c_str());
        out += terminal_clean(line, 100) + "\n";
        std::string bad = rule_contradicted_on(r);
        if (bad != "-") out += terminal_clean("             contradicted on " + bad, 100) + "\n";
    }
    return out;
}

}  // namespace mh::conformance
