#include "harness/campaign/findings_html.h"

#include <map>

#include "harness/common/markup_escape.h"

namespace mh::campaign {
namespace {

// Opens from a CI artifact with no network: everything inline.
constexpr std::string_view kCss = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:80em;padding:0 1em;color:#222}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0} th,td{border:1px solid #ccc;padding:.15em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,monospace} .muted{color:#666}
.k-loader{background:#f8d0d0} .k-module-code{background:#fbeab8} .k-unattributed,.k-unsymbolized{background:#e8e8e8}
.o-crash{background:#f8d0d0} .o-other-crash{background:#fbeab8} .o-no-crash{background:#d8f0d8}
)css";

std::string el(std::string_view tag, std::string_view text, std::string_view css = "") {
    std::string open = "<" + std::string(tag) + (css.empty() ? "" : " class=\"" + markup_attr(css) + "\"") + ">";
    return open + markup_text(text) + "</" + std::string(tag) + ">";
}

std::string anchor(size_t i) { return "finding-" + std::to_string(i + 1); }

// "crash on 9 of 13" over the kernels a finding was replayed on.
std::string affected_summary(const CrashTriage& c) {
    if (c.affected.empty()) return "not replayed elsewhere";
    size_t crash = 0;
    for (const auto& a : c.affected) crash += a.outcome == "crash";
    return "same crash on " + std::to_string(crash) + " of " + std::to_string(c.affected.size());
}

std::string finding_section(const Findings& f, const Finding& fi, size_t index) {
    const auto& rep = f.crashes[fi.representative];
    const auto& t = rep.triage;
    std::string b = "<h2 id=\"" + anchor(index) + "\">" + std::to_string(index + 1) + ". " + markup_text(fi.id) +
                    (fi.is_new ? "" : " <span class=\"muted\">(known)</span>") + "</h2>\n<table>\n";
    b += "<tr>" + el("th", "class") + el("td", fi.kind + (rep.culprit_reason.empty() ? "" : " — " + rep.culprit_reason), "k-" + fi.kind) +
         "</tr>\n";
    b += "<tr>" + el("th", "culprit") + "<td><code>" + markup_text(rep.culprit.empty() ? "(none)" : rep.culprit) + "</code></td></tr>\n";
    b += "<tr>" + el("th", "representative") + "<td><code>" + markup_text(rep.group) + "</code>: " + markup_text(crash_status_text(rep)) +
         "</td></tr>\n";
    if (!t.minimised_input.empty())
        b += "<tr>" + el("th", "call") + "<td><code>" + markup_text(mutate::describe_call(mutate::decode(t.minimised_input).call)) +
             "</code></td></tr>\n";
    b += "<tr>" + el("th", "crash groups") + "<td><ul>";
    for (size_t i : fi.crashes)
        b += "<li><code>" + markup_text(f.crashes[i].group) + "</code>: " + markup_text(f.crashes[i].title) + "</li>";
    b += "</ul></td></tr>\n</table>\n";
    if (!t.seed.empty()) {
        b += "<p>Minimised: the crash needs " + std::to_string(t.differences.size()) + " of " + std::to_string(t.differences_before) +
             " differences from seed <code>" + markup_text(t.seed) + "</code>" +
             (t.structural_exhausted ? " (VM budget spent: maybe not minimal)" : "") + ", " + std::to_string(t.vms) + " VMs:</p>\n<ul>";
        for (const auto& d : t.differences) b += el("li", d);
        b += "</ul>\n";
    }
    if (!rep.affected.empty()) {
        b += "<table><tr><th>kernel</th><th>outcome</th><th>crash or detail</th><th>s</th></tr>\n";
        for (const auto& a : rep.affected) {
            char secs[32];
            std::snprintf(secs, sizeof secs, "%.1f", a.seconds);
            b += "<tr>" + el("td", a.release) + el("td", a.outcome, "o-" + a.outcome) + el("td", a.title.empty() ? a.detail : a.title) +
                 el("td", secs, "n") + "</tr>\n";
        }
        b += "</table>\n";
    }
    return b;
}

}  // namespace

std::string findings_html(const Findings& f) {
    std::map<std::string, std::pair<int, int>> by_kind;  // kind -> findings, crash groups
    for (const auto& fi : f.findings) {
        ++by_kind[fi.kind].first;
        by_kind[fi.kind].second += static_cast<int>(fi.crashes.size());
    }
    std::string b = "<h1>Findings: " + markup_text(f.kernel) + " <span class=\"muted\">" + markup_text(f.release) + "</span></h1>\n";
    b += "<p class=\"muted\">Campaign <code>" + markup_text(f.campaign) + "</code>: " + std::to_string(f.crashes.size()) +
         " crash groups, " + std::to_string(f.findings.size()) + " distinct culprits, " + std::to_string(f.new_loader_bugs()) +
         " new loader findings. Written by <code>modharness triage</code>.</p>\n";
    b += "<table><tr><th>class</th><th>findings</th><th>crash groups</th></tr>\n";
    for (const auto& [kind, n] : by_kind)
        b += "<tr>" + el("td", kind, "k-" + kind) + el("td", std::to_string(n.first), "n") + el("td", std::to_string(n.second), "n") +
             "</tr>\n";
    b +=
        "</table>\n<table><tr><th>#</th><th>class</th><th>culprit</th><th>groups</th><th>replay</th><th>differences</th><th>kernels</th></tr>\n";
    for (size_t i = 0; i < f.findings.size(); ++i) {
        const auto& fi = f.findings[i];
        const auto& rep = f.crashes[fi.representative];
        b += "<tr><td class=\"n\"><a href=\"#" + anchor(i) + "\">" + std::to_string(i + 1) + "</a></td>" +
             el("td", fi.kind, "k-" + fi.kind) + "<td><code>" + markup_text(rep.culprit.empty() ? rep.title : rep.culprit) + "</code>" +
             (fi.is_new ? "" : " (known)") + "</td>" + el("td", std::to_string(fi.crashes.size()), "n") + el("td", crash_status(rep)) +
             el("td", rep.triage.seed.empty() ? "" : std::to_string(rep.triage.differences.size()), "n") + el("td", affected_summary(rep)) +
             "</tr>\n";
    }
    b += "</table>\n";
    for (size_t i = 0; i < f.findings.size(); ++i) b += finding_section(f, f.findings[i], i);
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Findings: " + markup_text(f.kernel) +
           "</title>\n<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n" + b + "</body>\n</html>\n";
}

}  // namespace mh::campaign
