// JUnit XML of a conformance run for CI systems: one testsuite per group, one testcase per case.
#include "conformance/report/junit_xml.h"

#include <cstdio>
#include <map>
#include <vector>

#include "conformance/report/case_evidence.h"
#include "harness/common/markup_escape.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

std::string seconds(double s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", s < 0 ? 0.0 : s);
    return buf;
}

struct Counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    void add(const std::string& v) {
        ++tests;
        if (v == "FAIL")
            ++failures;
        else if (v == "CONF")
            ++skipped;
        else if (v != "PASS" && v != "RAN")
            ++errors;
    }
    std::string attrs() const {
        return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
               "\" skipped=\"" + std::to_string(skipped) + "\"";
    }
};

std::string testcase(const nlohmann::json& c, const std::string& kernel_pkg) {
    std::string v = str(c, "verdict");
    std::string out = "    <testcase name=\"" + markup_attr(str(c, "id")) + "\" classname=\"modharness." + markup_attr(kernel_pkg) + "." +
                      markup_attr(case_class(c)) + "\" time=\"" + seconds(num(c, "ns") / 1e9) + "\"";
    std::string notes = notes_text(c);
    if (v == "PASS" && notes.empty()) return out + "/>\n";
    out += ">\n";
    if (v == "PASS") {
        // Passed, but not quietly: CI shows the notices and the kernel log beside the test.
        return out + "      <system-out>" + markup_text("passed with kernel log notices: " + notes + "\n" + evidence_text(c)) +
               "</system-out>\n    </testcase>\n";
    }
    if (v == "RAN") {
        out += "      <system-out>" + markup_text("recorded, not judged: " + got_vs_expected(c)) + "</system-out>\n";
    } else if (v == "CONF") {
        out += "      <skipped message=\"" + markup_attr(or_dash(str(c, "reason"))) + "\"/>\n";
    } else if (v == "FAIL") {
        out += "      <failure type=\"FAIL\" message=\"" + markup_attr(got_vs_expected(c)) + "\">" + markup_text(evidence_text(c)) +
               "</failure>\n";
    } else {
        std::string msg = str(c, "title");
        if (msg.empty()) msg = or_dash(str(c, "reason"));
        out += "      <error type=\"" + markup_attr(v.empty() ? "no verdict" : v) + "\" message=\"" + markup_attr(msg) + "\">" +
               markup_text(evidence_text(c)) + "</error>\n";
    }
    return out + "    </testcase>\n";
}

// A kernel report between cases: a testcase of its own, an error of type KERNEL.
std::string event_testcase(const nlohmann::json& e, const std::string& kernel_pkg) {
    std::string name =
        "late-kernel-report after " + or_dash(str(e, "after_id")) + " (VM " + std::to_string(static_cast<long>(num(e, "vm"))) + ")";
    std::string excerpt = str(e, "console_excerpt");
    return "    <testcase name=\"" + markup_attr(name) + "\" classname=\"modharness." + markup_attr(kernel_pkg) + ".late\" time=\"0\">\n" +
           "      <error type=\"KERNEL\" message=\"" + markup_attr(or_dash(str(e, "title"))) + "\">" +
           markup_text("late: printed after case " + str(e, "after_id") + "'s result, before the next case; console log " +
                       or_dash(str(e, "console_log")) + "\n" + excerpt) +
           "</error>\n    </testcase>\n";
}

}  // namespace

std::string junit_xml(const nlohmann::json& run) {
    std::string kernel = str(obj(run, "kernel"), "name");
    if (kernel.empty()) kernel = "unknown";
    std::string kernel_pkg = kernel;
    for (char& ch : kernel_pkg)
        if (ch == '.') ch = '_';

    // Suites in the order the run declares its groups, then groups only seen in cases.
    std::vector<std::string> order;
    std::map<std::string, const nlohmann::json*> group_info;
    if (run.is_object() && run.contains("groups") && run["groups"].is_array())
        for (const auto& g : run["groups"]) {
            std::string name = str(g, "name");
            if (group_info.emplace(name, &g).second) order.push_back(name);
        }
    std::map<std::string, std::vector<const nlohmann::json*>> by_group;
    Counts all;
    for (const auto* c : run_cases(run)) {
        std::string g = str(*c, "group");
        if (!group_info.count(g)) {
            group_info.emplace(g, nullptr);
            order.push_back(g);
        }
        by_group[g].push_back(c);
        all.add(str(*c, "verdict"));
    }
    std::map<std::string, std::vector<const nlohmann::json*>> events_by_group;
    for (const auto* e : run_events(run)) {
        std::string g = str(*e, "group");
        if (!group_info.count(g)) {
            group_info.emplace(g, nullptr);
            order.push_back(g);
        }
        events_by_group[g].push_back(e);
        all.add("KERNEL");
    }
    std::string ts = str(run, "started_utc");
    if (!ts.empty() && ts.back() == 'Z') ts.pop_back();  // the JUnit schema's timestamp has no zone

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites name=\"" + markup_attr("modharness conformance " + kernel) + "\"" + all.attrs() + " time=\"" +
           seconds(num(run, "wall_seconds")) + "\">\n";
    for (const auto& g : order) {
        const auto& cases = by_group[g];
        const auto& events = events_by_group[g];
        if (cases.empty() && events.empty()) continue;  // a group that ran nothing has nothing for CI to show
        Counts n;
        for (const auto* c : cases) n.add(str(*c, "verdict"));
        for (size_t i = 0; i < events.size(); ++i) n.add("KERNEL");
        const nlohmann::json* info = group_info[g];
        double wall = info ? num(*info, "wall_seconds") : 0.0;
        out += "  <testsuite name=\"" + markup_attr(kernel + "/" + (g.empty() ? "default" : g)) + "\"" + n.attrs() + " time=\"" +
               seconds(wall) + "\"" + (ts.empty() ? "" : " timestamp=\"" + markup_attr(ts) + "\"") + ">\n";
        out += "    <properties>\n";
        auto prop = [&](const std::string& k, const std::string& val) {
            out += "      <property name=\"" + markup_attr(k) + "\" value=\"" + markup_attr(val) + "\"/>\n";
        };
        prop("kernel", kernel);
        prop("kernel.release", str(obj(run, "kernel"), "release"));
        prop("accel", str(run, "accel"));
        if (info) {
            auto words = str_list(*info, "cmdline");
            prop("cmdline", words.empty() ? "" : join(words, " "));
        }
        // Which man page the cases were scored against, and how often each outcome came out.
        if (std::string page = man_page_name(run); !page.empty()) {
            prop("man_page", page);
            std::map<std::string, int> followed;
            for (const auto* c : cases) followed[str(*c, "followed")]++;
            for (auto f : kFollowed) prop("man_page.followed." + std::string(f), std::to_string(followed[std::string(f)]));
        }
        out += "    </properties>\n";
        for (const auto* c : cases) out += testcase(*c, kernel_pkg);
        for (const auto* e : events) out += event_testcase(*e, kernel_pkg);
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

}  // namespace mh::conformance
