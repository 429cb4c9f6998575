// KCIDB v5 JSON from a conformance run (see kcidb.h). The objects and their required fields
// follow kcidb-io's schema v5.0 (kcidb_io/schema/v05_00.py).
#include "conformance/report/kcidb.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include "conformance/report/case_evidence.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

constexpr std::size_t kMaxExcerpt = 16384;  // the schema's maxLength for log_excerpt

// Stable ids for issues: FNV-1a of the title, as the crash store names crash groups.
std::string fnv_hex(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

// At most kMaxExcerpt bytes (so at most as many characters), cut at a UTF-8 character boundary.
std::string cut(std::string text) {
    if (text.size() <= kMaxExcerpt) return text;
    std::size_t n = kMaxExcerpt;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    text.resize(n);
    return text;
}

// "6.1.0-57-cloud-amd64" -> Debian's source package "linux" at version "6.1.192"; the checkout
// is the source, the build the packaged image.
nlohmann::json checkout_of(const nlohmann::json& run, const std::string& origin, const std::string& checkout_id) {
    const auto& k = obj(run, "kernel");
    nlohmann::json c = {{"id", checkout_id}, {"origin", origin}, {"valid", true}};
    c["tree_name"] = "debian";
    if (!str(k, "version").empty()) c["git_commit_name"] = "v" + str(k, "version");
    c["comment"] = str(k, "version").empty()
                       ? "kernel source of " + or_dash(str(k, "release"))
                       : "Debian kernel source " + str(k, "version") + " (package linux-image-" + or_dash(str(k, "release")) + ")";
    if (!str(run, "started_utc").empty()) c["start_time"] = str(run, "started_utc");
    c["misc"] = {{"kernel_name", str(k, "name")}, {"release", str(k, "release")}, {"version", str(k, "version")}};
    return c;
}

nlohmann::json build_of(const nlohmann::json& run, const std::string& origin, const std::string& checkout_id, const std::string& build_id) {
    const auto& k = obj(run, "kernel");
    nlohmann::json b = {{"id", build_id}, {"origin", origin}, {"checkout_id", checkout_id}, {"architecture", "x86_64"}, {"status", "PASS"}};
    if (!str(k, "name").empty()) b["config_name"] = str(k, "name");
    b["comment"] = str(k, "version").empty() ? "kernel build " + or_dash(str(k, "release"))
                                             : "Debian's packaged build linux-image-" + or_dash(str(k, "release"));
    b["misc"] = {{"config", obj(k, "config")}};
    return b;
}

std::string test_path(const nlohmann::json& c) {
    return "modharness.conformance." + kcidb_path_node(str(c, "group")) + "." + kcidb_path_node(case_class(c)) + "." +
           kcidb_path_node(str(c, "id"));
}

nlohmann::json test_of(const nlohmann::json& run, const nlohmann::json& c, const std::string& origin, const std::string& build_id,
                       const std::string& test_id) {
    nlohmann::json t = {{"id", test_id},
                        {"origin", origin},
                        {"build_id", build_id},
                        {"path", test_path(c)},
                        {"status", std::string(kcidb_status(str(c, "verdict")))}};
    if (!str(run, "started_utc").empty()) t["start_time"] = str(run, "started_utc");
    if (c.contains("ns") && c["ns"].is_number()) t["duration"] = c["ns"].get<double>() / 1e9;
    t["comment"] = str(c, "id") + ": " + str(c, "verdict") + " (" + got_vs_expected(c) + ")";
    t["log_excerpt"] = cut(evidence_text(c));
    t["environment"] = {{"comment", "QEMU microvm, " + or_dash(str(run, "accel")) + ", modharness executor as /init"}};
    nlohmann::json misc = {{"verdict", str(c, "verdict")}, {"errno", str(c, "errno")}, {"expect", str_list(c, "expect")}};
    for (const char* key : {"log_class", "followed", "taint_added", "reason", "title"})
        if (!str(c, key).empty()) misc[key] = str(c, key);
    t["misc"] = std::move(misc);
    return t;
}

// The checkout id: the Debian source version, else (a kernel we built) the release.
std::string checkout_id_of(const nlohmann::json& k, const std::string& origin) {
    return str(k, "version").empty() ? origin + ":linux-" + kcidb_path_node(str(k, "release"))
                                     : origin + ":debian-linux-" + kcidb_path_node(str(k, "version"));
}

// An issue for a kernel report title (culprit: the kernel's code), its id stable across runs.
nlohmann::json issue_of(const std::string& title, const std::string& origin, const std::string& seen_by) {
    return {{"id", origin + ":kernel-report-" + fnv_hex(title)},
            {"version", 0},
            {"origin", origin},
            {"report_subject", title},
            {"culprit", {{"code", true}, {"tool", false}, {"harness", false}}},
            {"comment", "kernel report seen by " + seen_by + ": " + title}};
}

// An incident of `issue_id` on a test of `build_id`; its id is the test's plus the issue's.
nlohmann::json incident_on_test(const std::string& test_id, const std::string& issue_id, const std::string& build_id,
                                const std::string& origin) {
    return {{"id", test_id + ":" + issue_id.substr(origin.size() + 1)},
            {"origin", origin},
            {"issue_id", issue_id},
            {"issue_version", 0},
            {"build_id", build_id},
            {"test_id", test_id},
            {"present", true}};
}

}  // namespace

std::string_view kcidb_status(std::string_view verdict) {
    if (verdict == "PASS") return "PASS";
    if (verdict == "FAIL" || verdict == "KERNEL") return "FAIL";
    if (verdict == "CONF") return "SKIP";
    if (verdict == "RAN") return "DONE";
    return "ERROR";  // BROK, and anything a hand-edited run may hold
}

std::string kcidb_path_node(std::string_view text) {
    std::string out;
    for (char ch : text) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
        out += ok ? ch : '_';
    }
    return out.empty() ? "_" : out;
}

nlohmann::json kcidb_from_run(const nlohmann::json& run, const KcidbOptions& options) {
    const std::string& origin = options.origin;
    const auto& k = obj(run, "kernel");
    const std::string release = kcidb_path_node(str(k, "release"));
    const std::string checkout_id = checkout_id_of(k, origin);
    const std::string build_id = origin + ":linux-image-" + release;
    // One run, one test id prefix: the same case on another night is another test run.
    const std::string run_id = origin + ":" + release + ":" + str(run, "started_utc");

    nlohmann::json tests = nlohmann::json::array(), issues = nlohmann::json::array(), incidents = nlohmann::json::array();
    std::map<std::string, std::string> issue_by_title;  // title -> issue id
    auto issue_for = [&](const std::string& title) {
        auto it = issue_by_title.find(title);
        if (it != issue_by_title.end()) return it->second;
        issues.push_back(issue_of(title, origin, "modharness conformance runs"));
        const std::string id = issues.back()["id"];
        issue_by_title.emplace(title, id);
        return id;
    };
    std::map<std::pair<std::string, std::string>, std::string> test_by_key;  // (group, id) -> test id
    for (const auto* c : run_cases(run)) {
        const std::string test_id = run_id + ":" + str(*c, "group") + "/" + str(*c, "id");
        test_by_key[{str(*c, "group"), str(*c, "id")}] = test_id;
        tests.push_back(test_of(run, *c, origin, build_id, test_id));
        if (str(*c, "verdict") == "KERNEL" && !str(*c, "title").empty()) {
            const std::string issue_id = issue_for(str(*c, "title"));
            incidents.push_back(incident_on_test(test_id, issue_id, build_id, origin));
        }
    }
    // Reports between cases: an incident on the build, and on the test of the case that ran last.
    for (const auto* e : run_events(run)) {
        const std::string title = str(*e, "title");
        if (title.empty()) continue;
        const std::string issue_id = issue_for(title);
        nlohmann::json inc = {
            {"id", run_id + ":late:" + str(*e, "group") + "/" + str(*e, "after_id") + ":" + issue_id.substr(origin.size() + 1)},
            {"origin", origin},
            {"issue_id", issue_id},
            {"issue_version", 0},
            {"build_id", build_id},
            {"present", true},
            {"comment", event_label(*e)}};
        auto t = test_by_key.find({str(*e, "group"), str(*e, "after_id")});
        if (t != test_by_key.end()) inc["test_id"] = t->second;
        incidents.push_back(std::move(inc));
    }
    nlohmann::json out = {{"version", {{"major", 5}, {"minor", 0}}},
                          {"checkouts", nlohmann::json::array({checkout_of(run, origin, checkout_id)})},
                          {"builds", nlohmann::json::array({build_of(run, origin, checkout_id, build_id)})},
                          {"tests", std::move(tests)}};
    if (!issues.empty()) out["issues"] = std::move(issues);
    if (!incidents.empty()) out["incidents"] = std::move(incidents);
    return out;
}

nlohmann::json kcidb_from_fuzz_summary(const nlohmann::json& summary, const std::string& started_utc, const KcidbOptions& options) {
    const std::string& origin = options.origin;
    // The campaign's kernel as a run's kernel object: a Debian release has its build's id; a fuzz
    // kernel (built from linux-source) has no Debian version.
    const nlohmann::json run = {{"kernel", {{"name", str(summary, "kernel")}, {"release", str(summary, "release")}, {"version", ""}}},
                                {"started_utc", started_utc}};
    const std::string checkout_id = checkout_id_of(run["kernel"], origin);
    const std::string build_id = origin + ":linux-image-" + kcidb_path_node(str(summary, "release"));
    const std::string engine = str(summary, "engine");
    const std::string test_id = origin + ":" + kcidb_path_node(str(summary, "release")) + ":" + started_utc + ":fuzz/" + engine;
    const auto titles = str_list(summary, "crash_titles");
    const bool stopped = summary.value("interrupted", false) || !str(summary, "stop_reason").empty();
    nlohmann::json t = {{"id", test_id},
                        {"origin", origin},
                        {"build_id", build_id},
                        {"path", "modharness.fuzz." + kcidb_path_node(engine)},
                        {"status", !titles.empty() ? "FAIL"
                                   : stopped       ? "ERROR"
                                                   : "PASS"}};
    if (!started_utc.empty()) t["start_time"] = started_utc;
    if (summary.contains("elapsed_s") && summary["elapsed_s"].is_number()) t["duration"] = summary["elapsed_s"].get<double>();
    t["comment"] = engine + " campaign: " + std::to_string(summary.value("execs", 0)) + " execs, " + std::to_string(titles.size()) +
                   " crash title(s)" + (stopped ? " (stopped early: " + or_dash(str(summary, "stop_reason")) + ")" : "");
    t["environment"] = {
        {"comment", "QEMU, " + std::to_string(summary.value("vms", 0)) + " VM(s), " + or_dash(str(summary, "feedback")) + " feedback"}};
    nlohmann::json misc = nlohmann::json::object();
    for (const char* key : {"execs", "loaded", "vms", "pcs", "loader_sites_reached", "loader_sites_total", "corpus", "crash_events"})
        if (summary.contains(key) && summary[key].is_number()) misc[key] = summary[key];
    t["misc"] = std::move(misc);
    nlohmann::json out = {{"version", {{"major", 5}, {"minor", 0}}},
                          {"checkouts", nlohmann::json::array({checkout_of(run, origin, checkout_id)})},
                          {"builds", nlohmann::json::array({build_of(run, origin, checkout_id, build_id)})},
                          {"tests", nlohmann::json::array({t})}};
    for (const auto& title : titles) {
        out["issues"].push_back(issue_of(title, origin, "modharness fuzzing"));
        const std::string issue_id = out["issues"].back()["id"];
        out["incidents"].push_back(incident_on_test(test_id, issue_id, build_id, origin));
    }
    return out;
}

nlohmann::json kcidb_from_runs(const std::vector<nlohmann::json>& runs, const KcidbOptions& options) {
    nlohmann::json out = {{"version", {{"major", 5}, {"minor", 0}}}};
    std::set<std::string> seen;  // ids of checkouts, builds and issues already listed
    for (const auto& run : runs) {
        const auto one = kcidb_from_run(run, options);
        for (const char* kind : {"checkouts", "builds", "tests", "issues", "incidents"}) {
            if (!one.contains(kind)) continue;
            for (const auto& o : one[kind]) {
                const bool dedupe = std::string(kind) != "tests" && std::string(kind) != "incidents";
                if (dedupe && !seen.insert(std::string(kind) + "/" + o.value("id", "")).second) continue;
                out[kind].push_back(o);
            }
        }
    }
    return out;
}

std::vector<std::string> kcidb_problems(const nlohmann::json& data) {
    std::vector<std::string> out;
    static const std::regex origin_re("^[a-z0-9_]+$"), id_re("^[a-z0-9_]+:.*$"), path_re("^([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?$");
    static const std::set<std::string> statuses = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"};
    static const std::set<std::string> top = {"version", "checkouts", "builds", "tests", "issues", "incidents"};
    if (!data.is_object()) return {"not an object"};
    for (const auto& [key, value] : data.items())
        if (!top.count(key)) out.push_back("unknown top-level property '" + key + "'");
    const auto version = data.find("version");
    if (version == data.end() || !version->is_object() || !version->contains("major") || (*version)["major"] != 5)
        out.push_back("version.major must be 5");
    // Every object of a kind: its required fields, ids by pattern, and enum/pattern checks.
    const std::map<std::string, std::vector<std::string>> required = {{"checkouts", {"id", "origin"}},
                                                                      {"builds", {"checkout_id", "id", "origin"}},
                                                                      {"tests", {"build_id", "id", "origin"}},
                                                                      {"issues", {"id", "version", "origin"}},
                                                                      {"incidents", {"id", "origin", "issue_id", "issue_version"}}};
    // The properties each object may have (the schema's additionalProperties: false).
    const std::map<std::string, std::set<std::string>> allowed = {
        {"checkouts",
         {"_timestamp",
          "id",
          "origin",
          "tree_name",
          "git_repository_url",
          "git_commit_hash",
          "git_commit_name",
          "git_commit_tags",
          "git_commit_message",
          "git_repository_branch",
          "git_repository_branch_tip",
          "patchset_files",
          "patchset_hash",
          "message_id",
          "comment",
          "start_time",
          "log_url",
          "log_excerpt",
          "valid",
          "misc"}},
        {"builds",
         {"_timestamp", "checkout_id", "id", "origin", "comment", "start_time", "duration", "architecture", "command", "compiler",
          "input_files", "output_files", "config_name", "config_url", "log_url", "log_excerpt", "status", "misc"}},
        {"tests",
         {"_timestamp", "build_id", "id", "origin", "environment", "path", "comment", "log_url", "log_excerpt", "status", "number",
          "waived", "start_time", "duration", "output_files", "misc"}},
        {"issues", {"_timestamp", "id", "version", "origin", "report_url", "report_subject", "culprit", "comment", "misc"}},
        {"incidents", {"_timestamp", "id", "origin", "issue_id", "issue_version", "build_id", "test_id", "present", "comment", "misc"}}};
    for (const auto& [kind, fields] : required) {
        const auto list = data.find(kind);
        if (list == data.end()) continue;
        if (!list->is_array()) {
            out.push_back(kind + " is not an array");
            continue;
        }
        std::size_t i = 0;
        for (const auto& o : *list) {
            const std::string where = kind + "[" + std::to_string(i++) + "]";
            for (const auto& f : fields)
                if (!o.contains(f)) out.push_back(where + " lacks required '" + f + "'");
            for (const auto& [key, value] : o.items()) {
                if (!allowed.at(kind).count(key)) out.push_back(where + " has property '" + key + "' that the schema does not allow");
                if (value.is_null()) out.push_back(where + "." + key + " is null");
                const bool is_id = key == "id" || (key.size() > 3 && key.compare(key.size() - 3, 3, "_id") == 0);
                if (is_id && (!value.is_string() || !std::regex_match(value.get<std::string>(), id_re)))
                    out.push_back(where + "." + key + " does not match origin:...");
                if (key == "origin" && (!value.is_string() || !std::regex_match(value.get<std::string>(), origin_re)))
                    out.push_back(where + ".origin does not match [a-z0-9_]+");
                if (key == "status" && (!value.is_string() || !statuses.count(value.get<std::string>())))
                    out.push_back(where + ".status is not a KCIDB status");
                if (key == "path" && (!value.is_string() || !std::regex_match(value.get<std::string>(), path_re)))
                    out.push_back(where + ".path is not a dot-separated test path");
                if (key == "log_excerpt" && (!value.is_string() || value.get<std::string>().size() > kMaxExcerpt))
                    out.push_back(where + ".log_excerpt is longer than 16384");
                if ((key == "version" || key == "issue_version") && (!value.is_number_integer() || value.get<long long>() < 0))
                    out.push_back(where + "." + key + " is not an integer >= 0");
            }
        }
    }
    return out;
}

}  // namespace mh::conformance
