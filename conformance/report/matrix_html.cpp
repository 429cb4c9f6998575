// The kernel matrix page: the shared HTML frame plus a table whose changed cells are outlined.
#include "conformance/report/matrix_html.h"

#include <cctype>
#include <cstdio>
#include <map>

#include "conformance/report/html_page.h"
#include "harness/common/markup_escape.h"
#include "conformance/report/matrix.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

constexpr std::string_view kMatrixCss = R"css(
table.mx td,table.mx th{white-space:nowrap;font-size:12px} table.mx td.c{min-width:5.5em}
td.c small{display:block;color:#444;font-size:10px} td.chg{outline:3px solid #e0a800;outline-offset:-3px}
table.mx th.case{max-width:28em;overflow:hidden;text-overflow:ellipsis;font-weight:normal;background:#fff}
body{max-width:none}
)css";

const nlohmann::json& arr(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    auto it = j.is_object() ? j.find(key) : j.end();
    return j.is_object() && it != j.end() && it->is_array() ? *it : empty;
}

std::string fixed(double v, const char* f = "%.0f") {
    char buf[32];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string anchor(const nlohmann::json& row) {
    std::string a = "row-" + str(row, "group") + "-" + str(row, "id");
    for (auto& c : a)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) c = '_';
    return a;
}

// Kernel index -> the fields that changed there, for one row.
std::map<std::size_t, std::vector<std::string>> changes_of(const nlohmann::json& row) {
    std::map<std::size_t, std::vector<std::string>> out;
    for (const auto& c : arr(row, "changes")) out[static_cast<std::size_t>(num(c, "at"))] = str_list(c, "fields");
    return out;
}

std::string cell_td(const nlohmann::json& cell, const std::vector<std::string>* changed) {
    if (!cell.is_object()) return html_el("td", "-", "c v-none");
    std::string css = "c " + verdict_css(str(cell, "verdict")) + (changed ? " chg" : "");
    std::string title = str(cell, "reason");
    if (changed) title = "changed here: " + join(*changed) + (title.empty() ? "" : "\n" + title);
    std::string body = "<b>" + markup_text(or_dash(str(cell, "errno"))) + "</b> " + markup_text(str(cell, "verdict"));
    if (!str(cell, "log_class").empty()) body += "<small>" + markup_text(str(cell, "log_class")) + "</small>";
    if (!str(cell, "taint_added").empty()) body += "<small>taint +" + markup_text(str(cell, "taint_added")) + "</small>";
    return "<td class=\"" + markup_attr(css) + "\" title=\"" + markup_attr(title) + "\">" + body + "</td>";
}

std::string rows_table(const nlohmann::json& m, bool changed_only) {
    const auto& kernels = arr(m, "kernels");
    std::string out = "<table class=\"mx\">\n<tr><th>case</th><th>class</th>";
    for (const auto& k : kernels) out += "<th title=\"" + markup_attr(str(k, "release")) + "\">" + markup_text(str(k, "label")) + "</th>";
    out += "</tr>\n";
    for (const auto& row : arr(m, "rows")) {
        auto changes = changes_of(row);
        if (changed_only && changes.empty()) continue;
        std::string key = str(row, "group") + "/" + str(row, "id");
        out += "<tr" + (changed_only ? " id=\"" + markup_attr(anchor(row)) + "\"" : std::string()) + "><th class=\"case\" title=\"" +
               markup_attr(key) + "\">" + markup_text(key) + "</th>" + html_el("td", str(row, "class"));
        const auto& cells = arr(row, "cells");
        for (std::size_t k = 0; k < kernels.size(); ++k) {
            auto it = changes.find(k);
            out += cell_td(k < cells.size() ? cells[k] : nlohmann::json(), it == changes.end() ? nullptr : &it->second);
        }
        out += "</tr>\n";
    }
    return out + "</table>\n";
}

}  // namespace

std::string matrix_html(const nlohmann::json& m) {
    const auto& kernels = arr(m, "kernels");
    const auto& rows = arr(m, "rows");
    const auto& summary = obj(m, "summary");
    std::string title = "Kernel matrix: " + std::to_string(rows.size()) + " cases × " + std::to_string(kernels.size()) + " kernels";
    std::string b = html_el("h1", title) + "\n";
    std::string meta = "set: " + join(str_list(m, "set"));
    const auto& sel = obj(m, "selection");
    if (!str(sel, "only").empty()) meta += "; --only " + str(sel, "only");
    if (!str_list(sel, "groups").empty()) meta += "; groups " + join(str_list(sel, "groups"));
    if (!str_list(sel, "case_files").empty()) meta += "; case files " + join(str_list(sel, "case_files"));
    if (!str(m, "started_utc").empty()) meta += "; started " + str(m, "started_utc");
    if (!str(m, "finished_utc").empty()) meta += ", finished " + str(m, "finished_utc");
    b += html_el("p", meta, "muted") + "\n";

    b += "<h2>Kernels</h2>\n<table>\n<tr><th>#</th><th>kernel</th><th>line</th><th>release</th><th>Debian version</th><th>status</th>"
         "<th>cases</th><th>PASS</th><th>FAIL</th><th>CONF</th><th>BROK</th><th>KERNEL</th><th>late</th><th>VMs</th>"
         "<th>fetch s</th><th>prepare s</th><th>suite s</th><th>total s</th></tr>\n";
    for (std::size_t k = 0; k < kernels.size(); ++k) {
        const auto& kj = kernels[k];
        const auto& s = obj(kj, "seconds");
        const auto& v = obj(kj, "summary");
        std::string dir = str(kj, "dir");
        std::string label = markup_text(str(kj, "label"));
        if (!dir.empty() && num(kj, "cases") > 0) label = "<a href=\"" + markup_attr(dir + "/report.html") + "\">" + label + "</a>";
        b += "<tr>" + html_el("td", std::to_string(k + 1)) + "<td>" + label + "</td>" + html_el("td", or_dash(str(kj, "family"))) +
             html_el("td", str(kj, "release")) + html_el("td", or_dash(str(kj, "debian_version"))) +
             html_el("td", str(kj, "status") + (str(kj, "error").empty() ? "" : ": " + str(kj, "error")),
                     str(kj, "status") == "failed" ? "v-brok" : "") +
             html_el("td", fixed(num(kj, "cases")), "n");
        for (const char* verdict : {"PASS", "FAIL", "CONF", "BROK", "KERNEL"}) b += html_el("td", fixed(num(v, verdict)), "n");
        b += html_el("td", fixed(num(kj, "late_kernel_events")), "n") + html_el("td", fixed(num(kj, "vms")), "n");
        for (const char* part : {"fetch", "prepare", "run", "total"}) b += html_el("td", fixed(num(s, part), "%.1f"), "n");
        b += "</tr>\n";
    }
    b += "</table>\n";
    const auto& t = obj(m, "timing");
    if (!t.empty())
        b += html_el("p",
                     "Wall time " + fixed(num(t, "wall_seconds")) + " s with " + fixed(num(t, "jobs", 1)) + " job(s); fetching kernels " +
                         fixed(num(t, "fetch_seconds")) + " s (" + fixed(100.0 * num(t, "fetch_share")) + " %), preparing " +
                         fixed(num(t, "prepare_seconds")) + " s, suites " + fixed(num(t, "run_seconds")) + " s; " +
                         fixed(num(t, "vm_boots")) + " VM boots.",
                     "muted") +
             "\n";

    const auto& points = arr(m, "change_points");
    b += "<h2>Change points</h2>\n";
    b += html_el("p", std::to_string(points.size()) + " of " + fixed(num(summary, "steps")) + " steps between consecutive kernels change " +
                          fixed(num(summary, "rows_changed")) + " of " + std::to_string(rows.size()) +
                          " cases (compared: errno, verdict, log class, taint added). An outlined cell is the first kernel where "
                          "its row differs from the kernel before.") +
         "\n";
    if (!points.empty()) {
        b += "<ul>\n";
        for (const auto& p : points) {
            std::string links;
            for (const auto& key : str_list(p, "cases")) {
                std::string group = key.substr(0, key.find('/')), id = key.substr(key.find('/') + 1);
                nlohmann::json row = {{"group", group}, {"id", id}};
                links += (links.empty() ? "" : ", ") + ("<a href=\"#" + markup_attr(anchor(row)) + "\">" + markup_text(key) + "</a>");
            }
            b += "<li><b>" + markup_text(str(p, "from_label")) + " → " + markup_text(str(p, "to_label")) +
                 "</b>: " + fixed(num(p, "rows")) + " case(s): " + links + "</li>\n";
        }
        b += "</ul>\n<h2>Rows that change</h2>\n" + rows_table(m, true);
    }
    b += "<h2>Every row</h2>\n<details><summary>" + markup_text(std::to_string(rows.size()) + " rows") + "</summary>\n" +
         rows_table(m, false) + "</details>\n";
    b += "<p class=\"muted\">Cell: errno, verdict, kernel log class, taint added. Schema " + markup_text(str(m, "schema")) +
         " (docs/matrix.md).</p>\n";
    return html_page(title, b, kMatrixCss);
}

}  // namespace mh::conformance
