// The version bisect driver: probes are one-kernel matrix runs of the case; the boundary's
// changelog entries are ranked for the loader.
#include "conformance/bisect_run.h"

#include <cstdio>

#include "conformance/report/matrix.h"
#include "conformance/report/run_view.h"
#include "harness/kernel_log/stack_frames.h"
#include "harness/kernels/debian_changelog.h"

namespace mh::conformance {
namespace fs = std::filesystem;
namespace {

bool same_case(const nlohmann::json& c, const std::string& group, const std::string& id) {
    return str(c, "id") == id && (group.empty() || str(c, "group") == group);
}

// The case's record in a run, or null.
nlohmann::json case_record(const nlohmann::json& run, const std::string& group, const std::string& id) {
    if (run.is_object() && run.contains("cases") && run["cases"].is_array())
        for (const auto& c : run["cases"])
            if (same_case(c, group, id)) return c;
    return nullptr;
}

// A cell as the matrix prints it, plus the other compared fields (log class, taint), so that two
// results that differ only there read differently.
std::string outcome_text(const nlohmann::json& cell) {
    std::string t = matrix_cell_text(cell);
    if (!cell.is_object()) return t;
    if (!str(cell, "log_class").empty()) t += " [" + str(cell, "log_class") + "]";
    if (!str(cell, "taint_added").empty()) t += " taint +" + str(cell, "taint_added");
    return t;
}

// The case's matrix cell, computed as the matrix computes it.
nlohmann::json case_cell(const KernelRun& k, const std::string& group, const std::string& id) {
    const auto m = build_matrix({MatrixColumn{k.kernel_json(), k.run}});
    for (const auto& row : m["rows"])
        if (same_case(row, group, id)) return row["cells"][0];
    return nullptr;
}

class Bisect {
public:
    explicit Bisect(const BisectOptions& o) : o_(o) {}

    Expected<nlohmann::json> run() {
        auto search = bisect_search(
            o_.kernels.size(), [this](std::size_t i, int a) { return probe(i, a); }, o_.retries);
        if (!search) return search.error();
        return report(*search);
    }

private:
    Expected<ProbeRun> probe(std::size_t i, int attempt) {
        MatrixOptions mo;
        mo.kernels = {o_.kernels[i]};
        mo.selection = o_.selection;
        mo.session = o_.session;
        mo.out_dir = attempt == 0 ? o_.out_dir : o_.out_dir / ("retry-" + std::to_string(attempt));
        mo.resume = o_.resume;
        mo.jobs = 1;
        mo.on_progress = [this](const KernelRun&, const std::string& line) {
            if (o_.on_progress) o_.on_progress(line);
        };
        if (o_.on_probe) o_.on_probe(i, attempt);
        MH_TRY_ASSIGN(result, run_matrix(mo));
        auto& k = result.kernels.at(0);
        runs_.push_back(k.kernel_json());
        if (k.error) return *k.error;
        if (k.status == "interrupted") return interrupted_error("interrupted while probing " + k.member.display());
        ProbeRun p{case_cell(k, o_.group, o_.id), case_record(k.run, o_.group, o_.id)};
        if (i == 0 && p.record.is_null())
            return usage_error("no case '" + (o_.group.empty() ? "" : o_.group + "/") + o_.id + "' in the run on " + k.member.display() +
                               " (" + (fs::path(mo.out_dir) / k.member.dir_name() / "summary.txt").string() + " lists the cases that ran)");
        if (o_.on_probed) o_.on_probed(i, attempt, outcome_text(p.cell));
        return p;
    }

    nlohmann::json side(const BisectSearch& s, std::size_t index) const {
        const auto* p = s.find(index);
        const auto& m = o_.kernels[index];
        nlohmann::json j = {{"index", index}, {"label", m.label()}, {"release", m.release}, {"debian_version", m.version}};
        if (p) {
            j["cell"] = p->run.cell;
            j["record"] = p->run.record;
        }
        return j;
    }

    nlohmann::json report(const BisectSearch& s) const {
        nlohmann::json kernels = nlohmann::json::array();
        for (std::size_t i = 0; i < o_.kernels.size(); ++i) {
            const auto& m = o_.kernels[i];
            nlohmann::json k = {{"index", i},           {"label", m.label()},          {"display", m.display()},
                                {"release", m.release}, {"debian_version", m.version}, {"probed", false}};
            if (const auto* p = s.find(i)) {
                k["probed"] = true;
                k["result"] = outcome_text(p->run.cell);
                k["key"] = p->key;
                k["attempts"] = p->attempts;
                k["flaky"] = p->flaky;
            }
            kernels.push_back(std::move(k));
        }
        nlohmann::json r = {{"schema", kBisectSchema},
                            {"case", {{"group", o_.group}, {"id", o_.id}}},
                            {"selection", o_.selection.to_json()},
                            {"status", s.status},
                            {"kernels", kernels},
                            {"last_same", s.last_same},
                            {"first_changed", s.first_changed},
                            {"runs", s.runs},
                            {"kernels_probed", s.probed.size()},
                            {"bound", s.bound},
                            {"retries", o_.retries},
                            {"probe_runs", runs_}};
        r["before"] = side(s, s.status == "changed" ? s.last_same : 0);
        r["after"] = side(s, s.status == "changed" ? s.first_changed : o_.kernels.size() - 1);
        if (s.status == "changed") {
            const auto* p = s.find(s.first_changed);
            const auto* q = s.find(s.last_same);
            std::string log;
            for (const auto* pk : {p, q})
                if (pk && pk->run.record.is_object() && pk->run.record.contains("console_excerpt") &&
                    pk->run.record["console_excerpt"].is_string())
                    log += pk->run.record["console_excerpt"].get<std::string>() + "\n";
            const auto& after = o_.kernels[s.first_changed];
            r["candidates"] = changelog_candidates(o_.kernels[s.last_same], after, kernels::kernels_dir() / after.release,
                                                   kernel_log::frame_functions(log), o_.top);
        }
        return r;
    }

    const BisectOptions& o_;
    nlohmann::json runs_ = nlohmann::json::array();
};

}  // namespace

nlohmann::json changelog_candidates(const kernels::SetMember& before, const kernels::SetMember& after, const fs::path& after_kernel_dir,
                                    const std::vector<std::string>& functions, std::size_t top) {
    nlohmann::json c = {
        {"from", before.version}, {"to", after.version}, {"functions", functions}, {"items", 0}, {"ranked", nlohmann::json::array()}};
    if (before.version.empty() || after.version.empty()) {
        c["note"] = "not Debian builds: no changelog connects them";
        return c;
    }
    if (before.family() != after.family() || before.parts.line != after.parts.line) {
        c["note"] = "different kernel lines (" + before.parts.line + " -> " + after.parts.line +
                    "): the changelog of one line does not list the other's commits; run the bisect within a line";
        return c;
    }
    auto entries = kernels::read_kernel_changelog(after_kernel_dir);
    if (!entries) {
        c["note"] = entries.error().message;
        return c;
    }
    c["source"] = (after_kernel_dir / "usr/share/doc").string();
    const auto items = kernels::changelog_between(*entries, before.version, after.version);
    c["items"] = items.size();
    const auto ranked = kernels::rank_changelog_items(items, functions);
    for (std::size_t i = 0; i < ranked.size() && i < top; ++i) {
        const auto& r = ranked[i];
        c["ranked"].push_back({{"version", r.item.version},
                               {"upstream", r.item.upstream},
                               {"text", r.item.text},
                               {"score", r.score},
                               {"why", r.why},
                               {"line", r.item.line}});
    }
    c["matched"] = ranked.size();
    if (items.empty())
        c["note"] = "the changelog has no entries between " + before.version + " and " + after.version +
                    " (a rebuild: the change is in the build, not in the listed commits)";
    else if (ranked.empty())
        c["note"] = std::to_string(items.size()) + " changelog items between the versions, none names the module loader";
    return c;
}

std::string bisect_text(const nlohmann::json& r) {
    std::string out;
    char line[512];
    const auto& cs = r["case"];
    std::snprintf(line, sizeof line, "bisect %s%s over %zu kernels: %d run(s), %zu kernel(s) probed (bound %zu)\n",
                  str(cs, "group").empty() ? "" : (str(cs, "group") + "/").c_str(), str(cs, "id").c_str(), r["kernels"].size(),
                  r.value("runs", 0), r.value("kernels_probed", std::size_t{0}), r.value("bound", std::size_t{0}));
    out += line;
    for (const auto& k : r["kernels"]) {
        std::string result = k.value("probed", false) ? k.value("result", "") : "(not run)";
        if (k.value("flaky", false)) result += "  flaky: " + join(k["attempts"].get<std::vector<std::string>>(), ", ");
        const std::size_t i = k.value("index", std::size_t{0});
        const char* mark = r.value("status", "") == "changed" && i == r.value("first_changed", std::size_t{0}) ? " <- first changed" : "";
        std::snprintf(line, sizeof line, "  [%zu] %-30s %-22s %s%s\n", i + 1, str(k, "display").c_str(), str(k, "debian_version").c_str(),
                      result.c_str(), mark);
        out += line;
    }
    if (r.value("status", "") != "changed") return out + "no change: the newest kernel gives the oldest kernel's result\n";
    const auto& b = r["before"];
    const auto& a = r["after"];
    out += "changed between " + str(b, "label") + " (" + outcome_text(b["cell"]) + ") and " + str(a, "label") + " (" +
           outcome_text(a["cell"]) + ")\n";
    const auto& c = r["candidates"];
    if (c.contains("note")) out += "  changelog: " + str(c, "note") + "\n";
    if (c.value("items", std::size_t{0}) > 0) {
        std::snprintf(line, sizeof line, "  changelog %s..%s: %zu items, %zu naming the loader or the case's functions%s\n",
                      str(c, "from").c_str(), str(c, "to").c_str(), c.value("items", std::size_t{0}), c.value("matched", std::size_t{0}),
                      c["ranked"].empty() ? "" : "; most relevant first:");
        out += line;
        for (const auto& it : c["ranked"]) {
            std::snprintf(line, sizeof line, "    %3d  %-12s %-9s %s  [%s]\n", it.value("score", 0), str(it, "version").c_str(),
                          str(it, "upstream").c_str(), str(it, "text").c_str(), join(it["why"].get<std::vector<std::string>>()).c_str());
            out += line;
        }
    }
    return out;
}

Expected<nlohmann::json> run_bisect(const BisectOptions& options) { return Bisect(options).run(); }

}  // namespace mh::conformance
