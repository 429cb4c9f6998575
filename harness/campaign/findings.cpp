#include "harness/campaign/findings.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/common/files.h"

namespace mh::campaign {

namespace {

int kind_rank(const std::string& kind) {
    if (kind == "loader") return 0;
    if (kind == "module-code") return 1;
    if (kind == "unattributed") return 2;
    return 3;
}

nlohmann::json crash_json(const CrashTriage& c) {
    const auto& t = c.triage;
    nlohmann::json j = {{"group", c.group},
                        {"title", c.title},
                        {"culprit_kind", c.culprit_kind},
                        {"culprit", c.culprit},
                        {"culprit_reason", c.culprit_reason},
                        {"has_input", c.has_input},
                        {"runs", t.runs},
                        {"reproduced_runs", t.reproduced_runs},
                        {"observed_title", t.observed_title},
                        {"minimised", t.minimised},
                        {"input_bytes", t.input_bytes},
                        {"minimised_bytes", t.minimised_bytes},
                        {"seed", t.seed},
                        {"differences_before", t.differences_before},
                        {"differences", t.differences},
                        {"structural_exhausted", t.structural_exhausted},
                        {"call", t.minimised_input.empty() ? "" : mutate::describe_call(mutate::decode(t.minimised_input).call)},
                        {"vms", t.vms}};
    j["status"] = crash_status(c);
    if (!c.error.empty()) j["error"] = c.error;
    j["affected"] = nlohmann::json::array();
    for (const auto& a : c.affected) j["affected"].push_back({{"release", a.release}, {"outcome", a.outcome}, {"title", a.title}});
    return j;
}

std::string md_escape(std::string s) {
    for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
    return s;
}

}  // namespace

std::string crash_status(const CrashTriage& c) {
    return !c.error.empty()        ? "error"
           : !c.has_input          ? "no-input"
           : c.triage.reproduces() ? "reproduces"
           : c.triage.runs > 0     ? "did-not-reproduce"
                                   : "not-replayed";
}

std::string crash_status_text(const CrashTriage& c) {
    const auto& t = c.triage;
    const std::string status = crash_status(c);
    if (status == "error") return "error: " + c.error;
    if (status == "no-input") return "no input (taken with the VM)";
    if (status == "reproduces") return "reproduces (" + std::to_string(t.reproduced_runs) + "/" + std::to_string(t.runs) + " replays)";
    if (status == "did-not-reproduce") return "did not reproduce in " + std::to_string(t.runs) + " replay(s)";
    return "not replayed";
}

size_t Findings::new_loader_bugs() const {
    return static_cast<size_t>(
        std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.kind == "loader" && f.is_new; }));
}

std::string finding_id(const CrashTriage& c) {
    if ((c.culprit_kind == "loader" || c.culprit_kind == "module-code") && !c.culprit.empty()) return c.culprit_kind + " " + c.culprit;
    return c.culprit_kind + " " + c.title;  // no culprit line: the title is all there is
}

void group_findings(Findings& f, const std::set<std::string>& known) {
    f.findings.clear();
    std::map<std::string, size_t> by_id;
    for (size_t i = 0; i < f.crashes.size(); ++i) {
        const std::string id = finding_id(f.crashes[i]);
        auto [it, fresh] = by_id.emplace(id, f.findings.size());
        if (fresh) f.findings.push_back({id, f.crashes[i].culprit_kind, {}, i, known.count(id) == 0});
        f.findings[it->second].crashes.push_back(i);
    }
    for (auto& fi : f.findings) {
        // The representative: reproduces, fewest differences from its seed, smallest input.
        auto better = [&](size_t a, size_t b) {
            const auto &x = f.crashes[a].triage, &y = f.crashes[b].triage;
            if (x.reproduces() != y.reproduces()) return x.reproduces();
            if (x.seed.empty() != y.seed.empty()) return !x.seed.empty();
            if (x.differences.size() != y.differences.size()) return x.differences.size() < y.differences.size();
            return x.minimised_bytes < y.minimised_bytes;
        };
        fi.representative = *std::min_element(fi.crashes.begin(), fi.crashes.end(), better);
    }
    std::stable_sort(f.findings.begin(), f.findings.end(),
                     [](const Finding& a, const Finding& b) { return kind_rank(a.kind) < kind_rank(b.kind); });
}

Expected<std::set<std::string>> known_finding_ids(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("findings") || !j["findings"].is_array())
        return make_error("not a findings file (no \"findings\" array)");
    std::set<std::string> out;
    for (const auto& f : j["findings"])
        if (f.is_object() && f.contains("id") && f["id"].is_string()) out.insert(f["id"].get<std::string>());
    return out;
}

std::string findings_json(const Findings& f) {
    nlohmann::json j = {{"schema", "modharness.findings/1"}, {"kernel", f.kernel}, {"release", f.release}, {"campaign", f.campaign}};
    std::map<std::string, int> counts;
    j["findings"] = nlohmann::json::array();
    for (const auto& fi : f.findings) {
        ++counts[fi.kind];
        const auto& rep = f.crashes[fi.representative];
        nlohmann::json x = {{"id", fi.id}, {"kind", fi.kind}, {"new", fi.is_new}, {"culprit", rep.culprit}, {"reason", rep.culprit_reason}};
        x["titles"] = nlohmann::json::array();
        x["groups"] = nlohmann::json::array();
        for (size_t i : fi.crashes) {
            if (std::find(x["titles"].begin(), x["titles"].end(), f.crashes[i].title) == x["titles"].end())
                x["titles"].push_back(f.crashes[i].title);
            x["groups"].push_back(f.crashes[i].group);
        }
        x["representative"] = crash_json(rep);
        j["findings"].push_back(x);
    }
    j["counts"] = counts;
    j["crashes"] = nlohmann::json::array();
    for (const auto& c : f.crashes) j["crashes"].push_back(crash_json(c));
    j["at"] = utc_now_iso();
    return j.dump(2) + "\n";
}

std::string findings_markdown(const Findings& f) {
    std::ostringstream md;
    md << "# Findings: " << f.kernel << " (" << f.release << ")\n\n"
       << "Campaign `" << f.campaign << "`: " << f.crashes.size() << " crash groups, " << f.findings.size()
       << " distinct culprits. Written by `modharness triage`.\n\n";
    for (const auto& fi : f.findings) {
        const auto& rep = f.crashes[fi.representative];
        const auto& t = rep.triage;
        md << "## " << md_escape(fi.id) << (fi.is_new ? "" : " (known)") << "\n\n"
           << "- class: " << fi.kind << (rep.culprit_reason.empty() ? "" : " — " + rep.culprit_reason)
           << "\n- crash groups: " << fi.crashes.size() << "\n";
        for (size_t i : fi.crashes) md << "  - `" << f.crashes[i].group << "`: " << md_escape(f.crashes[i].title) << "\n";
        md << "- representative `" << rep.group << "`: " << md_escape(crash_status_text(rep)) << "\n";
        if (!t.seed.empty()) {
            md << "- minimised: the crash needs " << t.differences.size() << " of " << t.differences_before << " differences from seed `"
               << t.seed << "`" << (t.structural_exhausted ? " (VM budget spent: maybe not minimal)" : "") << ", call `"
               << mutate::describe_call(mutate::decode(t.minimised_input).call) << "`:\n";
            for (const auto& d : t.differences) md << "  - " << md_escape(d) << "\n";
        }
        if (!rep.affected.empty()) {
            md << "- kernels:";
            for (const auto& a : rep.affected) md << " " << a.release << " " << a.outcome << ";";
            md << "\n";
        }
        md << "\n";
    }
    return md.str();
}

}  // namespace mh::campaign
