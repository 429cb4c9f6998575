// The loader coverage report as one self-contained HTML page, with the loader's sources coloured line by line.
#include "harness/coverage/coverage_html.h"

#include <cctype>
#include <cstdio>

#include "harness/common/files.h"
#include "harness/common/markup_escape.h"
#include "harness/common/text.h"

namespace mh::coverage {
namespace {

// Page must open from a CI artifact with no network: everything inline.
constexpr std::string_view kCss = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:80em;padding:0 1em;color:#222}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0} th,td{border:1px solid #ccc;padding:.15em .5em;text-align:left}
th{background:#f3f3f3} td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666} .bar{display:inline-block;height:.7em;background:#5cb85c}
.src{font:12px/1.35 ui-monospace,monospace;border:1px solid #ddd;white-space:pre;overflow-x:auto}
.src div{padding:0 .4em} .src .no{display:inline-block;width:3.5em;color:#999;text-align:right;margin-right:.6em}
.src .cnt{display:inline-block;width:3.5em;color:#555;text-align:right;margin-right:.8em}
.hit{background:#d8f0d8} .part{background:#fbeab8} .miss{background:#f8d0d0}
)css";

std::string pct(int reached, int sites) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", sites ? 100.0 * reached / sites : 0.0);
    return buf;
}

// Anchor of a source line: "kernel/module/main.c" line 12 -> "src-kernel-module-main-c-12".
std::string anchor(const std::string& file, int line) {
    std::string a = "src-";
    for (char c : file) a += (std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
    return line > 0 ? a + "-" + std::to_string(line) : a;
}

std::string row_cells(const CoverageRow& r) {
    return "<td class=\"n\">" + std::to_string(r.sites) + "</td><td class=\"n\">" + std::to_string(r.reached) + "</td><td class=\"n\">" +
           pct(r.reached, r.sites) + "</td><td><span class=\"bar\" style=\"width:" + std::to_string(static_cast<int>(r.percent())) +
           "px\"></span></td>";
}

bool is_loader_file(const std::string& f) { return f.rfind("kernel/module/", 0) == 0; }

}  // namespace

std::string coverage_html(const CoverageReport& r, const LoaderSites& sites, const PcSet& reached) {
    std::string b;
    b += "<h1>KCOV coverage of the module loader</h1>\n<p class=\"muted\">" + markup_text(r.build_tree) + "</p>\n";
    b += "<p><b>reached " + std::to_string(r.reached) + " of " + std::to_string(r.sites) + " loader sites (" + pct(r.reached, r.sites) +
         "%)</b>";
    if (r.boot_only > 0)
        b += "; " + std::to_string(r.boot_only) + " sites are __init code run once at boot (at most " +
             std::to_string(r.sites - r.boot_only) + " reachable by a fuzzer)";
    b += ".<br/><span class=\"muted\">A site is one <code>__sanitizer_cov_trace_pc</code> call in <code>kernel/module/*.o</code> as linked "
         "into vmlinux; it is reached when its return address is among the " +
         std::to_string(r.pcs) + " PCs given (" + std::to_string(r.pcs_elsewhere) + " of them are outside the loader).";
    if (r.tail_calls + r.constructor_calls > 0)
        b += " Not sites: " + std::to_string(r.tail_calls) +
             " tail calls (<code>jmp __sanitizer_cov_trace_pc</code>: KCOV records the caller's return address, so no PC names them) and " +
             std::to_string(r.constructor_calls) + " calls in KASAN's generated constructors.";
    b += "</span></p>\n";

    b += "<h2>Files</h2>\n<table><tr><th>file</th><th>sites</th><th>reached</th><th>%</th><th></th></tr>\n";
    for (const auto& f : r.files) {
        std::string name =
            is_loader_file(f.file) ? "<a href=\"#" + anchor(f.file, 0) + "\">" + markup_text(f.file) + "</a>" : markup_text(f.file);
        b += "<tr><td>" + name + "</td>" + row_cells(f) + "</tr>\n";
    }
    b += "</table>\n";

    b += "<h2>Functions</h2>\n<p class=\"muted\">Most missed sites first. A site counts for the innermost loader function its "
         "code comes from, inlined or not.</p>\n<table><tr><th>function</th><th>file</th><th>sites</th><th>reached</th><th>%</th><th>"
         "</th><th>missed</th></tr>\n";
    for (const auto& f : r.functions) {
        std::string name = is_loader_file(f.file) && f.first_line > 0
                               ? "<a href=\"#" + anchor(f.file, f.first_line) + "\">" + markup_text(f.function) + "</a>"
                               : markup_text(f.function);
        b += "<tr><td>" + name + (f.boot_only ? " <span class=\"muted\">__init</span>" : "") + "</td><td>" + markup_text(f.file) + "</td>" +
             row_cells(f) + "<td class=\"n\">" + std::to_string(f.missed()) + "</td></tr>\n";
    }
    b += "</table>\n";

    const auto covered_lines = line_coverage(sites, reached);
    for (const auto& f : r.files) {
        if (!is_loader_file(f.file)) continue;
        b += "<h2 id=\"" + anchor(f.file, 0) + "\">" + markup_text(f.file) + " <span class=\"muted\">" + std::to_string(f.reached) + "/" +
             std::to_string(f.sites) + "</span></h2>\n";
        auto text = read_text_file(sites.build_tree / f.file);
        if (!text) {
            b += "<p class=\"muted\">source not shown: " + markup_text(text.error().message) + "</p>\n";
            continue;
        }
        auto lc = covered_lines.find(f.file);
        b += "<div class=\"src\">";
        for (auto [line, number] : lines(*text)) {
            const int no = static_cast<int>(number);
            const LineCoverage* c = nullptr;
            if (lc != covered_lines.end())
                if (auto it = lc->second.find(no); it != lc->second.end()) c = &it->second;
            std::string cls = !c ? "" : c->reached == c->sites ? "hit" : c->reached > 0 ? "part" : "miss";
            b += "<div id=\"" + anchor(f.file, no) + "\"" + (cls.empty() ? "" : " class=\"" + cls + "\"") + "><span class=\"no\">" +
                 std::to_string(no) + "</span><span class=\"cnt\">" +
                 (c ? std::to_string(c->reached) + "/" + std::to_string(c->sites) : "") + "</span>" + markup_text(line) + "</div>";
        }
        b += "</div>\n";
    }
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Loader KCOV coverage: " +
           pct(r.reached, r.sites) + "%</title>\n<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n" + b + "</body>\n</html>\n";
}

}  // namespace mh::coverage
