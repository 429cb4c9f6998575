// The self-contained HTML report of one conformance run, readable at a glance.
#include "conformance/report/html_report.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "conformance/report/case_evidence.h"
#include "conformance/report/diff_html.h"
#include "conformance/report/rule_evidence_html.h"
#include "conformance/report/html_page.h"
#include "harness/common/markup_escape.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

std::string fixed1(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string header(const nlohmann::json& run, const std::vector<const nlohmann::json*>& cases) {
    const auto& k = obj(run, "kernel");
    std::string out = html_el("h1", "modharness conformance — " + kernel_label(run)) + "\n<table>\n";
    auto kv = [&](const std::string& key, const std::string& value) {
        out += "<tr>" + html_el("th", key) + html_el("td", or_dash(value)) + "</tr>\n";
    };
    kv("kernel", str(k, "name"));
    kv("release / version", str(k, "release") + " / " + str(k, "version"));
    std::string reason = str(run, "accel_reason");
    kv("accelerator", str(run, "accel") + (reason.empty() ? "" : " — " + reason));
    std::string page = man_page_name(run);
    std::string why = str(obj(run, "man_page"), "why");
    kv("man page", page.empty() ? "not named (recorded before runs named their man page)" : page + (why.empty() ? "" : " — " + why));
    kv("started (UTC)", str(run, "started_utc"));
    kv("wall time", fixed1(num(run, "wall_seconds")) + " s");
    kv("cases", std::to_string(cases.size()));
    kv("tool", str(obj(run, "tool"), "name") + " " + str(obj(run, "tool"), "version"));
    out += "</table>\n<p>";
    std::array<int, kVerdicts.size()> totals{};
    for (const auto* c : cases) totals[verdict_index(str(*c, "verdict"))]++;
    for (std::size_t i = 0; i < kVerdicts.size(); ++i)
        if (totals[i] || i < 5)  // RAN only when present: the suite judges every case it can
            out += html_el("span", std::string(kVerdicts[i]) + " " + std::to_string(totals[i]), "badge " + verdict_css(kVerdicts[i]));
    return out + "</p>\n";
}

std::string groups_table(const nlohmann::json& run) {
    if (!run.is_object() || !run.contains("groups") || !run["groups"].is_array() || run["groups"].empty()) return "";
    std::string out =
        "<h2>VM groups</h2>\n<table>\n<tr><th>group</th><th>kernel command line</th><th>cases</th>"
        "<th>VMs</th><th>boot failures</th><th>kernel events</th><th>wall s</th><th>completed</th></tr>\n";
    for (const auto& g : run["groups"]) {
        auto n = [&](const char* key) { return html_el("td", std::to_string(static_cast<long>(num(g, key))), "n"); };
        bool completed = !(g.is_object() && g.contains("completed") && g["completed"].is_boolean() && !g["completed"].get<bool>());
        out += "<tr>" + html_el("td", str(g, "name")) + html_el("td", join(str_list(g, "cmdline"), " ")) + n("cases") + n("vms") +
               n("boot_failures") + n("kernel_events") + html_el("td", fixed1(num(g, "wall_seconds")), "n") +
               html_el("td", completed ? "yes" : "NO", completed ? "" : "v-brok") + "</tr>\n";
    }
    return out + "</table>\n";
}

// "9 PASS, 1 FAIL" with the cell coloured by its worst verdict.
std::string matrix_cell(const std::array<int, kVerdicts.size()>* v) {
    if (!v) return html_el("td", "—", "v-none");
    std::string text, worst = "PASS";
    for (std::size_t i = 0; i < kVerdicts.size(); ++i) {
        if (!(*v)[i]) continue;
        if (!text.empty()) text += ", ";
        text += std::to_string((*v)[i]) + " " + std::string(kVerdicts[i]);
        if (verdict_severity(kVerdicts[i]) > verdict_severity(worst)) worst = kVerdicts[i];
    }
    return html_el("td", text, verdict_css(worst));
}

std::string matrix(const nlohmann::json& run, const Tallies& tallies) {
    // Columns: init and finit always (the suite's two syscalls), then any other call seen.
    std::vector<std::string> calls = {"init", "finit"};
    for (const auto& [cls, t] : tallies)
        for (const auto& [call, v] : t.by_call)
            if (std::find(calls.begin(), calls.end(), call) == calls.end()) calls.push_back(call);
    std::string out =
        "<h2>Classes × syscalls</h2>\n<p class=\"muted\">Each cell counts the verdicts of that class on "
        "that syscall; its colour is the worst verdict in it.</p>\n<table>\n<tr><th>class</th><th>title</th>"
        "<th>cases</th>";
    for (const auto& c : calls) out += html_el("th", c);
    out += "</tr>\n";
    const auto& classes = obj(run, "classes");
    std::vector<std::string> idle;  // declared by the contract, no case in this run
    for (const auto& [cls, t] : tallies) {
        if (t.cases == 0) {
            idle.push_back(cls);
            continue;
        }
        out += "<tr>" + html_el("td", cls) + html_el("td", str(obj(classes, cls), "title")) + html_el("td", std::to_string(t.cases), "n");
        for (const auto& call : calls) {
            auto it = t.by_call.find(call);
            out += matrix_cell(it == t.by_call.end() ? nullptr : &it->second);
        }
        out += "</tr>\n";
    }
    out += "</table>\n";
    if (!idle.empty())
        out += html_el("p", "Classes without cases in this run (" + std::to_string(idle.size()) + "): " + join(idle), "muted") + "\n";
    return out;
}

std::string undocumented(const nlohmann::json& run, const Tallies& tallies, const std::vector<const nlohmann::json*>& cases);

std::string man_vs_code(const nlohmann::json& run, const Tallies& tallies, const std::vector<const nlohmann::json*>& cases) {
    std::string page = man_page_name(run);
    std::string out =
        "<h2>Man page vs code</h2>\n" +
        html_el("p",
                "Classes where the kernel's errno was not what the man page" + (page.empty() ? std::string() : " (" + page + ")") +
                    " says (followed = code: the code-derived contract held; neither: nothing held).",
                "muted") +
        "\n";
    std::string rows;
    const auto& classes = obj(run, "classes");
    for (const auto& [cls, t] : tallies) {
        const auto& followed = t.followed;  // clang 14 (the fuzz build) cannot capture a structured binding
        auto count = [&](const char* k) {
            auto it = followed.find(k);
            return it == followed.end() ? 0 : it->second;
        };
        if (count("code") + count("neither") == 0) continue;
        std::set<std::string> man, got, man_src;
        std::vector<std::string> ids;
        for (const auto* c : cases) {
            if (case_class(*c) != cls) continue;
            std::string f = str(*c, "followed");
            if (f != "code" && f != "neither") continue;
            man.insert(man_text(*c));
            got.insert(or_dash(str(*c, "errno")));
            if (!str(*c, "man_source").empty()) man_src.insert(str(*c, "man_source"));
            if (ids.size() < 5) ids.push_back(case_key(*c));
        }
        auto j = [](const std::set<std::string>& s) { return join(std::vector<std::string>(s.begin(), s.end()), "; "); };
        rows += "<tr>" + html_el("td", cls) + html_el("td", str(obj(classes, cls), "title")) +
                html_el("td", std::to_string(count("code")), "n") + html_el("td", std::to_string(count("neither")), "n") +
                html_el("td", j(man)) + html_el("td", j(got)) + html_el("td", j(man_src)) + html_el("td", join(ids)) + "</tr>\n";
    }
    if (rows.empty())
        out += html_el("p", "The kernel followed the man page wherever the page says something.") + "\n";
    else
        out +=
            "<table>\n<tr><th>class</th><th>title</th><th>followed code</th><th>neither</th><th>man page says</th>"
            "<th>kernel returned</th><th>man page source</th><th>cases</th></tr>\n" +
            rows + "</table>\n";
    return out + undocumented(run, tallies, cases);
}

// Classes where the page says nothing about the input on that call: what the kernel did there.
std::string undocumented(const nlohmann::json& run, const Tallies& tallies, const std::vector<const nlohmann::json*>& cases) {
    std::string rows;
    const auto& classes = obj(run, "classes");
    for (const auto& [cls, t] : tallies) {
        auto it = t.followed.find("undocumented");
        if (it == t.followed.end() || it->second == 0) continue;
        std::set<std::string> got, calls;
        std::vector<std::string> ids;
        for (const auto* c : cases) {
            if (case_class(*c) != cls || str(*c, "followed") != "undocumented") continue;
            got.insert(or_dash(str(*c, "errno")));
            calls.insert(case_call(*c));
            if (ids.size() < 5) ids.push_back(case_key(*c));
        }
        rows += "<tr>" + html_el("td", cls) + html_el("td", str(obj(classes, cls), "title")) +
                html_el("td", std::to_string(it->second), "n") + html_el("td", join(std::vector<std::string>(calls.begin(), calls.end()))) +
                html_el("td", join(std::vector<std::string>(got.begin(), got.end()), "; ")) + html_el("td", join(ids)) + "</tr>\n";
    }
    if (rows.empty()) return "";
    std::string page = man_page_name(run);
    return "<h3>Undocumented</h3>\n" +
           html_el("p",
                   "Inputs the man page" + (page.empty() ? std::string() : " (" + page + ")") +
                       " says nothing about on that call (its ERRORS lists some entries for init_module() or "
                       "finit_module() only), and what the kernel returned.",
                   "muted") +
           "\n<table>\n<tr><th>class</th><th>title</th><th>cases</th><th>calls</th><th>kernel returned</th><th>cases</th></tr>\n" + rows +
           "</table>\n";
}

// Classes of contract.md §3 that no case runs, with the reason (the contract's "uncovered" lines).
std::string uncovered_section(const nlohmann::json& run) {
    auto uncovered = run_uncovered(run);
    if (uncovered.empty()) return "";
    std::string out = "<h2>Classes not covered (" + std::to_string(uncovered.size()) +
                      ")</h2>\n<p class=\"muted\">Classes of contract.md §3 that no case of the suite runs, and why.</p>\n"
                      "<table>\n<tr><th>class</th><th>section</th><th>input</th><th>why not covered</th></tr>\n";
    for (const auto* u : uncovered)
        out += "<tr>" + html_el("td", str(*u, "id")) + html_el("td", str(*u, "section")) + html_el("td", str(*u, "title")) +
               html_el("td", str(*u, "reason")) + "</tr>\n";
    return out + "</table>\n";
}

std::string evidence_section(const nlohmann::json& c) {
    std::string v = str(c, "verdict");
    std::string out =
        "<section class=\"case\">\n" +
        html_el("h3", (v.empty() ? std::string("?") : v) + " " + case_key(c) + " (" + case_class(c) + ", " + case_call(c) + ")",
                verdict_css(v)) +
        "\n<table>\n";
    auto kv = [&](const std::string& key, const std::string& value) {
        if (!value.empty()) out += "<tr>" + html_el("th", key) + html_el("td", value) + "</tr>\n";
    };
    kv("inputs", input_words(c));
    kv("got vs expected", got_vs_expected(c));
    kv("reason", str(c, "reason"));
    kv("crash title", str(c, "title"));
    kv("man page", man_text(c));
    kv("man page source", str(c, "man_source"));
    kv("contract source", str(c, "contract_source"));
    kv("followed", str(c, "followed"));
    kv("log class", str(c, "log_class"));
    kv("log notices", notes_text(c));
    kv("taint added", str(c, "taint_added"));
    kv("setup error", str(c, "setup_error"));
    kv("VM event", str(c, "vm_event"));
    kv("console log", str(c, "console_log"));
    out += "</table>\n";
    auto kmsg = str_list(c, "kmsg");
    if (!kmsg.empty()) {
        std::string text;
        for (const auto& l : kmsg) text += l + "\n";
        out += "<p>kmsg:</p>\n" + html_el("pre", text) + "\n";
    }
    std::string console = str(c, "console_excerpt");
    if (!console.empty()) out += "<p>console excerpt:</p>\n" + html_el("pre", console) + "\n";
    return out + "</section>\n";
}

std::string all_cases(const std::vector<const nlohmann::json*>& cases) {
    std::string out = "<h2>All cases</h2>\n<details>\n<summary>" + std::to_string(cases.size()) +
                      " cases in run order</summary>\n<table>\n<tr><th>case</th><th>class</th><th>call</th><th>verdict"
                      "</th><th>errno</th><th>expected</th><th>man page</th><th>followed</th><th>log class</th>"
                      "<th>log notices</th><th>taint +</th></tr>\n";
    for (const auto* c : cases) {
        std::string v = str(*c, "verdict");
        out += "<tr>" + html_el("td", case_key(*c)) + html_el("td", case_class(*c)) + html_el("td", case_call(*c)) +
               html_el("td", or_dash(v), verdict_css(v)) + html_el("td", or_dash(str(*c, "errno"))) +
               html_el("td", errno_set_text(str_list(*c, "expect"))) + html_el("td", man_text(*c)) +
               html_el("td", or_dash(str(*c, "followed"))) + html_el("td", or_dash(str(*c, "log_class"))) +
               html_el("td", or_dash(notes_text(*c))) + html_el("td", or_dash(str(*c, "taint_added"))) + "</tr>\n";
    }
    return out + "</table>\n</details>\n";
}

}  // namespace

std::string html_report(const nlohmann::json& run, const nlohmann::json* diff, const nlohmann::json* evidence) {
    auto cases = run_cases(run);
    auto tallies = tally_by_class(run);
    std::string body =
        header(run, cases) + groups_table(run) + matrix(run, tallies) + uncovered_section(run) + man_vs_code(run, tallies, cases);

    std::vector<const nlohmann::json*> bad;
    for (const auto* c : cases)
        if (verdict_severity(str(*c, "verdict")) >= 2) bad.push_back(c);
    std::stable_sort(bad.begin(), bad.end(), [](const nlohmann::json* x, const nlohmann::json* y) {
        return verdict_severity(str(*x, "verdict")) > verdict_severity(str(*y, "verdict"));
    });
    body += "<h2>Failing cases (" + std::to_string(bad.size()) + ")</h2>\n";
    if (bad.empty()) body += html_el("p", "No FAIL, BROK or KERNEL verdict.") + "\n";
    for (const auto* c : bad) body += evidence_section(*c);
    if (auto events = run_events(run); !events.empty()) {
        body += "<h2>Kernel reports between cases (KERNEL, " + std::to_string(events.size()) + ")</h2>\n";
        for (const auto* e : events)
            body += "<section class=\"case\">\n" + html_el("h3", "KERNEL " + event_label(*e), verdict_css("KERNEL")) + "\n" +
                    html_el("pre", or_dash(str(*e, "console_excerpt"))) + "\n</section>\n";
    }

    // Judged on their errno, yet the kernel complained or dumped its stack: evidence shown too.
    std::vector<const nlohmann::json*> noted;
    for (const auto* c : cases)
        if (verdict_severity(str(*c, "verdict")) == 0 && !notes_text(*c).empty()) noted.push_back(c);
    if (!noted.empty()) {
        body += "<h2>Passing cases with kernel log notices (" + std::to_string(noted.size()) + ")</h2>\n" +
                html_el("p",
                        "The errno was the expected one, but the kernel printed a stack dump, a sysfs or kobject "
                        "complaint or a warning's text on the way (log notices).",
                        "muted") +
                "\n";
        for (const auto* c : noted) body += evidence_section(*c);
    }

    std::vector<const nlohmann::json*> conf;
    for (const auto* c : cases)
        if (str(*c, "verdict") == "CONF") conf.push_back(c);
    if (!conf.empty()) {
        body += "<h2>Not runnable here (CONF, " + std::to_string(conf.size()) + ")</h2>\n<ul>\n";
        for (const auto* c : conf) body += html_el("li", case_key(*c) + ": " + or_dash(str(*c, "reason"))) + "\n";
        body += "</ul>\n";
    }
    body += all_cases(cases);
    if (evidence) body += rule_evidence_html_section(*evidence);
    if (diff) body += diff_html_section(*diff);
    return html_page("modharness conformance — " + kernel_label(run), body);
}

}  // namespace mh::conformance
