// Evidence per contract rule as HTML: which kernels' recorded runs support each rule.
#include "conformance/report/rule_evidence_html.h"

#include "conformance/report/rule_evidence_text.h"
#include "conformance/report/html_page.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

const nlohmann::json& array_at(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    if (!j.is_object()) return empty;
    auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

// Colour of a status cell: supported green, contradicted pink, source only grey.
std::string status_css(const std::string& status) {
    if (status == "observed") return "v-pass";
    if (status == "contradicted") return "v-fail";
    if (status == "recorded") return "v-ran";
    if (status == "no-result") return "v-brok";
    return "v-conf";
}

}  // namespace

std::string rule_evidence_html_section(const nlohmann::json& evidence) {
    std::string out =
        "<section id=\"evidence\">\n<h2>Evidence per contract rule</h2>\n<p class=\"muted\">Each case of the recorded runs below is "
        "judged again under the current contract. A rule is <em>observed</em> on a kernel when that kernel's run gave results "
        "inside the rule's set, <em>contradicted</em> when a result fell outside it, and <em>source only</em> when no recorded "
        "case falls under it: its errnos are derived from the kernel source, and its kernel range claims more than was run.</p>\n"
        "<table>\n<tr><th>run</th><th>kernel</th><th>release</th><th>version</th><th>cases under a rule</th></tr>\n";
    for (const auto& r : array_at(evidence, "runs"))
        out += "<tr>" + html_el("td", str(r, "source")) + html_el("td", str(r, "kernel")) + html_el("td", str(r, "release")) +
               html_el("td", str(r, "version")) +
               html_el("td",
                       std::to_string(static_cast<long>(num(r, "matched"))) + " of " + std::to_string(static_cast<long>(num(r, "cases"))),
                       "n") +
               "</tr>\n";
    out += "</table>\n";
    std::string counts;
    for (const auto& [status, n] : obj(evidence, "summary").items())
        counts += (counts.empty() ? "" : ", ") + std::to_string(n.is_number() ? n.get<long>() : 0) + " " + status;
    out += html_el("p", "Rules: " + or_dash(counts) + ".") + "\n";
    out +=
        "<details>\n<summary>every rule</summary>\n<table>\n<tr><th>rule</th><th>line</th><th>kernels claimed</th><th>condition</th>"
        "<th>expected</th><th>status</th><th>observed on (consistent/cases)</th><th>contradicted on</th><th>results seen</th></tr>\n";
    for (const auto& r : array_at(evidence, "rules")) {
        std::vector<std::string> seen;
        for (const auto& o : array_at(r, "observed")) seen.push_back(or_dash(str(o, "version")) + ": " + join(str_list(o, "results"), "|"));
        std::string status = str(r, "status");
        out += "<tr>" + html_el("td", str(r, "rule")) + html_el("td", std::to_string(static_cast<long>(num(r, "line"))), "n") +
               html_el("td", str(r, "kernels")) + html_el("td", str(r, "condition")) + html_el("td", join(str_list(r, "expect"), "|")) +
               html_el("td", status == "source-only" ? "source only" : status, status_css(status)) + html_el("td", rule_observed_on(r)) +
               html_el("td", rule_contradicted_on(r)) + html_el("td", join(seen, "; ")) + "</tr>\n";
    }
    return out + "</table>\n</details>\n</section>\n";
}

std::string rule_evidence_html(const nlohmann::json& evidence) {
    return html_page("modharness contract evidence", rule_evidence_html_section(evidence));
}

}  // namespace mh::conformance
