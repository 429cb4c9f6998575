// The HTML page frame shared by the run report and the diff page: inline CSS, no scripts, no assets.
#include "conformance/report/html_page.h"

#include "harness/common/markup_escape.h"

namespace mh::conformance {
namespace {

// One stylesheet, small enough to inline: the report must open from a CI artifact with no network.
constexpr std::string_view kCss = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.5em 0} th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
.badge{display:inline-block;padding:.15em .6em;margin-right:.4em;border-radius:.3em;font-weight:600}
.v-pass{background:#d8f0d8}.v-ran{background:#e8eef8}.v-conf{background:#e6e6e6}.v-fail{background:#f8d0d0}
.v-brok{background:#fde2b0}.v-kernel{background:#c9302c;color:#fff}.v-none{color:#999}
.muted{color:#666} .diff-a{background:#fbe9e9} .diff-b{background:#e9f6e9} code{font-size:12px}
)css";

}  // namespace

std::string html_page(std::string_view title, const std::string& body) { return html_page(title, body, ""); }

std::string html_page(std::string_view title, const std::string& body, std::string_view extra_css) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" + markup_text(title) + "</title>\n<style>" +
           std::string(kCss) + std::string(extra_css) + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

std::string html_el(std::string_view tag, std::string_view text, std::string_view css_class) {
    std::string t(tag);
    return "<" + t + (css_class.empty() ? "" : " class=\"" + markup_attr(css_class) + "\"") + ">" + markup_text(text) + "</" + t + ">";
}

std::string verdict_css(std::string_view verdict) {
    if (verdict == "PASS") return "v-pass";
    if (verdict == "FAIL") return "v-fail";
    if (verdict == "CONF") return "v-conf";
    if (verdict == "KERNEL") return "v-kernel";
    if (verdict == "RAN") return "v-ran";
    return "v-brok";
}

}  // namespace mh::conformance
