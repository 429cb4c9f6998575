// The HTML page frame shared by the run report and the diff page: inline CSS, no scripts, no assets.
#pragma once

#include <string>
#include <string_view>

namespace mh::conformance {

// A complete document around `body` (already escaped HTML); `title` is escaped here.
std::string html_page(std::string_view title, const std::string& body);
// The same with `extra_css` appended to the shared stylesheet (a page's own classes).
std::string html_page(std::string_view title, const std::string& body, std::string_view extra_css);
// Escaped text in an element: html_el("td", text, "v-fail") -> <td class="v-fail">text</td>.
std::string html_el(std::string_view tag, std::string_view text, std::string_view css_class = "");
// CSS class for a verdict: "v-pass", "v-fail", "v-conf", "v-brok", "v-kernel", "v-ran".
std::string verdict_css(std::string_view verdict);

}  // namespace mh::conformance
