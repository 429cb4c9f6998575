// The regression diff as HTML: a section for the run report, or a page of its own.
#include "conformance/report/diff_html.h"

#include "conformance/report/html_page.h"
#include "conformance/report/run_diff.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

std::string who(const nlohmann::json& diff, const char* k) {
    const auto& r = obj(diff, k);
    std::string name = or_dash(str(r, "kernel")), rel = str(r, "release"), started = str(r, "started_utc");
    return name + (rel.empty() || rel == name ? "" : " (" + rel + ")") + (started.empty() ? "" : ", started " + started);
}

const nlohmann::json& array_at(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    if (!j.is_object()) return empty;
    auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

}  // namespace

std::string diff_html_section(const nlohmann::json& diff) {
    const auto& s = obj(diff, "summary");
    auto n = [&](const char* k) { return std::to_string(static_cast<long>(num(s, k))); };
    std::string out = "<section id=\"diff\">\n<h2>Regression diff</h2>\n<table>\n";
    out += "<tr><th>A</th>" + html_el("td", who(diff, "a")) + "</tr>\n";
    out += "<tr><th>B</th>" + html_el("td", who(diff, "b")) + "</tr>\n</table>\n";
    out += html_el("p", "Joined on (group, id): " + n("in_both") + " in both, " + n("same") + " same, " + n("changed") + " changed, " +
                            n("only_a") + " only in A, " + n("only_b") +
                            " only in B. Compared: errno, "
                            "verdict, log class, taint added.") +
           "\n";
    if (diff_is_empty(diff)) out += html_el("p", "No differences.", "v-pass") + "\n";
    for (const auto& cls : array_at(diff, "classes")) {
        std::string title = str(cls, "title");
        out += html_el("h3", str(cls, "class") + (title.empty() ? "" : " — " + title)) + "\n";
        const auto& changed = array_at(cls, "changed");
        if (!changed.empty()) {
            out += "<table>\n<tr><th>case</th><th>call</th>";
            for (auto f : kDiffFields) out += html_el("th", f);
            out += "</tr>\n";
            for (const auto& ch : changed) {
                auto fields = str_list(ch, "fields");
                out += "<tr>" + html_el("td", str(ch, "group") + "/" + str(ch, "id")) + html_el("td", str(ch, "call"));
                for (auto f : kDiffFields) {
                    std::string va = or_dash(str(obj(ch, "a"), f)), vb = or_dash(str(obj(ch, "b"), f));
                    bool differs = false;
                    for (const auto& x : fields) differs = differs || x == f;
                    out += differs ? html_el("td", va + " → " + vb, "v-fail") : html_el("td", va);
                }
                out += "</tr>\n";
            }
            out += "</table>\n";
        }
        for (const char* k : {"only_a", "only_b"}) {
            const auto& lone = array_at(cls, k);
            if (lone.empty()) continue;
            out += "<p>" + html_el("strong", k[5] == 'a' ? "Only in A:" : "Only in B:") + "</p>\n<ul>\n";
            for (const auto& c : lone)
                out += html_el("li",
                               str(c, "group") + "/" + str(c, "id") + " [" + str(c, "call") + "] " + or_dash(str(c, "verdict")) + " " +
                                   or_dash(str(c, "errno")),
                               k[5] == 'a' ? "diff-a" : "diff-b") +
                       "\n";
            out += "</ul>\n";
        }
    }
    const auto& warnings = array_at(diff, "warnings");
    if (!warnings.empty()) {
        out += "<h3>Warnings</h3>\n<ul>\n";
        for (const auto& w : warnings) out += html_el("li", w.is_string() ? w.get<std::string>() : std::string("?")) + "\n";
        out += "</ul>\n";
    }
    return out + "</section>\n";
}

std::string diff_html(const nlohmann::json& diff) {
    std::string title = "modharness diff: " + or_dash(str(obj(diff, "a"), "kernel")) + " vs " + or_dash(str(obj(diff, "b"), "kernel"));
    return html_page(title, html_el("h1", title) + "\n" + diff_html_section(diff));
}

}  // namespace mh::conformance
