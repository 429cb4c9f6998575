// Evidence per contract rule from recorded runs: each case judged again under the current contract.
#include "conformance/rule_evidence.h"

#include <algorithm>
#include <map>
#include <set>

#include "conformance/report/run_file.h"
#include "conformance/report/run_view.h"
#include "harness/sys/errno_names.h"

namespace mh::conformance {
namespace {

constexpr int kSentinel = 131;  // ENOTRECOVERABLE, as parse_errno_set writes "sentinel"

// "0" / "EEXIST" / "ENOTRECOVERABLE" -> value; nullopt for anything else.
std::optional<int> result_value(const std::string& name) {
    if (name == "0") return 0;
    if (auto e = sys::errno_from_name(name)) return *e;
    return std::nullopt;
}

// The results of one recorded case: one per concurrent caller, else its errno ("" = no result).
std::vector<std::string> case_results(const nlohmann::json& c) {
    auto callers = str_list(c, "callers");
    if (!callers.empty()) return callers;
    std::string e = str(c, "errno");
    if (e.empty()) return {};
    return {e};
}

std::map<std::string, std::string> string_map(const nlohmann::json& j) {
    std::map<std::string, std::string> out;
    if (!j.is_object()) return out;
    for (const auto& [k, v] : j.items())
        if (v.is_string()) out[k] = v.get<std::string>();
    return out;
}

std::string rule_name(const Rule& r) { return r.class_id + (r.malformation.empty() ? "" : ":" + r.malformation); }

nlohmann::json errno_names(const ErrnoSet& s) {
    nlohmann::json out = nlohmann::json::array();
    if (!s) {
        out.push_back("*");
        return out;
    }
    for (int e : *s) out.push_back(e == kSentinel ? std::string("sentinel") : e == 0 ? std::string("0") : sys::errno_name(e));
    return out;
}

struct Tally {
    int cases = 0, consistent = 0, contradicted = 0, no_result = 0, kernel = 0;
    std::set<std::string> results;
    std::vector<std::string> contradicting;  // group/id, first few
};

}  // namespace

nlohmann::json rule_evidence(const Contract& contract, const std::vector<RecordedRun>& runs) {
    using nlohmann::json;
    // tallies[rule index][run index]
    std::vector<std::vector<Tally>> tallies(contract.rules.size(), std::vector<Tally>(runs.size()));
    json runs_json = json::array();
    for (size_t ri = 0; ri < runs.size(); ++ri) {
        const auto& run = runs[ri].run;
        const auto& k = obj(run, "kernel");
        auto config = string_map(obj(k, "config"));
        std::map<std::string, bool> enforce;  // group -> module.sig_enforce=1 on its command line
        if (run.contains("groups") && run["groups"].is_array())
            for (const auto& g : run["groups"]) {
                auto words = str_list(g, "cmdline");
                enforce[str(g, "name")] = std::find(words.begin(), words.end(), "module.sig_enforce=1") != words.end();
            }
        int matched = 0, cases = 0;
        for (const auto* c : run_cases(run)) {
            ++cases;
            auto facts = kernel_facts(str(k, "version"), config, enforce[str(*c, "group")]);
            const Rule* r = find_rule(contract, str(*c, "class"), str(*c, "malformation"), facts);
            if (!r) continue;
            ++matched;
            auto& t = tallies[static_cast<size_t>(r - contract.rules.data())][ri];
            ++t.cases;
            if (str(*c, "verdict") == "KERNEL") ++t.kernel;
            auto results = case_results(*c);
            if (results.empty()) {
                ++t.no_result;
                continue;
            }
            bool inside = true;
            for (const auto& name : results) {
                t.results.insert(name);
                auto v = result_value(name);
                if (r->expect && (!v || std::find(r->expect->begin(), r->expect->end(), *v) == r->expect->end())) inside = false;
            }
            if (inside) {
                ++t.consistent;
            } else {
                ++t.contradicted;
                if (t.contradicting.size() < 5) t.contradicting.push_back(case_key(*c));
            }
        }
        runs_json.push_back({{"source", runs[ri].source},
                             {"kernel", str(k, "name")},
                             {"release", str(k, "release")},
                             {"version", str(k, "version")},
                             {"started_utc", str(run, "started_utc")},
                             {"cases", cases},
                             {"matched", matched}});
    }

    json rules = json::array();
    std::map<std::string, int> status_count;
    for (size_t i = 0; i < contract.rules.size(); ++i) {
        const Rule& r = contract.rules[i];
        json observed = json::array();
        int consistent = 0, contradicted = 0, with_cases = 0;
        for (size_t ri = 0; ri < runs.size(); ++ri) {
            const auto& t = tallies[i][ri];
            if (t.cases == 0) continue;
            ++with_cases;
            consistent += t.consistent;
            contradicted += t.contradicted;
            const auto& k = obj(runs[ri].run, "kernel");
            observed.push_back({{"run", ri},
                                {"kernel", str(k, "name")},
                                {"release", str(k, "release")},
                                {"version", str(k, "version")},
                                {"cases", t.cases},
                                {"consistent", t.consistent},
                                {"contradicted", t.contradicted},
                                {"no_result", t.no_result},
                                {"kernel_reports", t.kernel},
                                {"results", std::vector<std::string>(t.results.begin(), t.results.end())},
                                {"contradicting", t.contradicting}});
        }
        std::string status = with_cases == 0    ? "source-only"
                             : !r.expect        ? "recorded"
                             : contradicted > 0 ? "contradicted"
                             : consistent > 0   ? "observed"
                                                : "no-result";
        ++status_count[status];
        rules.push_back({{"rule", rule_name(r)},
                         {"class", r.class_id},
                         {"malformation", r.malformation},
                         {"line", r.line},
                         {"kernels", r.kernels.text},
                         {"condition", r.conditions_text},
                         {"expect", errno_names(r.expect)},
                         {"source", r.source},
                         {"status", status},
                         {"observed", observed}});
    }
    return {{"schema", std::string(kEvidenceSchema)}, {"runs", runs_json}, {"summary", status_count}, {"rules", rules}};
}

Expected<std::vector<RecordedRun>> load_recorded_runs(const std::vector<std::filesystem::path>& paths) {
    std::vector<RecordedRun> out;
    for (const auto& p : paths) {
        auto run = load_run(p);
        if (!run) return run.error();
        out.push_back({p.string(), std::move(*run)});
    }
    return out;
}

std::vector<std::filesystem::path> baseline_runs(const std::filesystem::path& conformance_dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(conformance_dir / "baselines", ec)) {
        auto file = e.path() / "conformance.json";
        if (e.is_directory(ec) && std::filesystem::is_regular_file(file, ec)) out.push_back(file);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace mh::conformance
