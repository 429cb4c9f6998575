// The terminal summary of a conformance run: per-class verdict table, totals, non-PASS cases.
#include "conformance/report/summary_text.h"

#include <algorithm>
#include <cstdio>

#include "conformance/report/case_evidence.h"
#include "harness/common/markup_escape.h"
#include "conformance/report/run_view.h"
#include "harness/common/text.h"

namespace mh::conformance {
namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kRule = 98;  // width of the class table
constexpr std::size_t kFollowedCols = 28;  // the last columns: man code both neither undoc

template <typename... T>
std::string fmt(const char* f, T... v) {
    char buf[512];
    int n = std::snprintf(buf, sizeof buf, f, v...);
    return n < 0 ? std::string() : std::string(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1));
}

std::string row(const std::string& cls, const std::string& title, int cases, const std::array<int, kVerdicts.size()>& v,
                const std::map<std::string, int>& followed) {
    auto f = [&](const char* k) {
        auto it = followed.find(k);
        return it == followed.end() ? 0 : it->second;
    };
    return fmt("%-7s %-22s %5d %4d %4d %4d %4d %6d %4d  %4d %4d %4d %7d %5d\n", terminal_clean(cls, 7).c_str(),
               terminal_clean(title, 22).c_str(), cases, v[0], v[1], v[2], v[3], v[4], v[5], f("man"), f("code"), f("both"), f("neither"),
               f("undocumented"));
}

// Words of `text` filled into lines of at most kWidth columns: the first starts with `first`, the
// others with `indent`.
std::string wrapped(const std::string& text, const std::string& indent, const std::string& first = "") {
    std::string out, line = first.empty() ? indent : first;
    bool words_on_line = false;
    for (const auto& w : words(terminal_clean(text))) {
        if (words_on_line && line.size() + 1 + w.size() > kWidth) {
            out += line + "\n";
            line = indent;
            words_on_line = false;
        }
        line += (words_on_line ? " " : "") + terminal_clean(w, kWidth - indent.size());
        words_on_line = true;
    }
    return out + line + "\n";
}

bool incomplete(const nlohmann::json& group) {
    if (!group.is_object()) return false;
    auto it = group.find("completed");
    return it != group.end() && it->is_boolean() && !it->get<bool>();
}

}  // namespace

std::string terminal_clean(std::string_view s, std::size_t max_cols) {
    // Same printable/unprintable split as the XML escaper, minus entities: a terminal wants text.
    struct Piece {
        std::string text;
        std::size_t cols;
    };
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b == '\n' || b == '\t' || b == '\r') {
            pieces.push_back({" ", 1});
            ++i;
        } else if (b < 0x20 || b == 0x7F) {
            pieces.push_back({markup_text(s.substr(i, 1)), 4});
            ++i;
        } else if (b < 0x80) {
            pieces.push_back({std::string(1, static_cast<char>(b)), 1});
            ++i;
        } else {
            // A multi-byte sequence the escaper keeps verbatim is one column; otherwise \xNN per byte.
            std::size_t n = std::min<std::size_t>(b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2, s.size() - i);
            std::string_view seq = s.substr(i, n);
            if (markup_text(seq) == seq) {
                pieces.push_back({std::string(seq), 1});
                i += n;
            } else {
                pieces.push_back({markup_text(s.substr(i, 1)), 4});
                ++i;
            }
        }
    }
    std::size_t total = 0;
    for (const auto& p : pieces) total += p.cols;
    std::string out;
    if (max_cols == std::string_view::npos || total <= max_cols) {
        for (const auto& p : pieces) out += p.text;
        return out;
    }
    std::size_t budget = max_cols >= 3 ? max_cols - 3 : 0, cols = 0;
    for (const auto& p : pieces) {
        if (cols + p.cols > budget) break;
        out += p.text;
        cols += p.cols;
    }
    return out + std::string("...").substr(0, std::min<std::size_t>(3, max_cols));
}

std::string summary_text(const nlohmann::json& run) {
    std::string out;
    auto cases = run_cases(run);
    out += terminal_clean("conformance run: " + kernel_label(run), kWidth) + "\n";
    out += terminal_clean(fmt("  %zu cases, %.1f s wall, accel %s, started %s", cases.size(), num(run, "wall_seconds"),
                              or_dash(str(run, "accel")).c_str(), or_dash(str(run, "started_utc")).c_str()),
                          kWidth) +
           "\n";
    std::string page = man_page_name(run);
    if (!page.empty()) {
        std::string why = str(obj(run, "man_page"), "why");
        out += terminal_clean("  man page: " + page + (why.empty() ? "" : " (" + why + ")"), kWidth) + "\n";
    }
    if (run.is_object() && run.contains("groups") && run["groups"].is_array()) {
        for (const auto& g : run["groups"]) {
            // Late reports, bad frames and lost results only when there are any: the line stays short.
            auto count = [&g](const char* key, const std::string& before, const std::string& after) {
                int n = static_cast<int>(num(g, key));
                return n ? before + std::to_string(n) + after : std::string();
            };
            std::string line = fmt("  group %s: %d cases, %d VMs, %d boot failures, %d kernel events", or_dash(str(g, "name")).c_str(),
                                   static_cast<int>(num(g, "cases")), static_cast<int>(num(g, "vms")),
                                   static_cast<int>(num(g, "boot_failures")), static_cast<int>(num(g, "kernel_events"))) +
                               count("late_kernel_events", " (", " late)") + count("bad_frames", ", ", " bad frames") +
                               count("results_lost", ", ", " results lost") +
                               fmt(", %.1f s%s", num(g, "wall_seconds"), incomplete(g) ? "  INCOMPLETE" : "");
            out += terminal_clean(line, kWidth) + "\n";
        }
    }
    out += "\n";
    out += std::string(kRule - kFollowedCols, ' ') + "------ man page followed -----\n";  // over the last columns
    out += fmt("%-7s %-22s %5s %4s %4s %4s %4s %6s %4s  %4s %4s %4s %7s %5s\n", "class", "title", "cases", "PASS", "FAIL", "CONF", "BROK",
               "KERNEL", "RAN", "man", "code", "both", "neither", "undoc");
    out += std::string(kRule, '-') + "\n";
    std::array<int, kVerdicts.size()> total{};
    std::map<std::string, int> total_followed;
    int total_cases = 0;
    const auto& classes = obj(run, "classes");
    std::vector<std::string> idle;  // declared by the contract, no case in this run (e.g. a filtered CI run)
    for (const auto& [cls, t] : tally_by_class(run)) {
        if (t.cases == 0) {
            idle.push_back(cls);
            continue;
        }
        out += row(cls, str(obj(classes, cls), "title"), t.cases, t.verdicts, t.followed);
        for (std::size_t i = 0; i < total.size(); ++i) total[i] += t.verdicts[i];
        for (const auto& [k, n] : t.followed) total_followed[k] += n;
        total_cases += t.cases;
    }
    out += std::string(kRule, '-') + "\n";
    out += row("total", "", total_cases, total, total_followed);
    if (!idle.empty()) {
        // Word-wrapped so a filtered run's long list of untouched classes stays within the width.
        std::string line = "classes without cases in this run (" + std::to_string(idle.size()) + "):";
        for (const auto& cls : idle) {
            std::string word = " " + terminal_clean(cls, 20);
            if (line.size() + word.size() > kWidth) {
                out += line + "\n";
                line = " ";
            }
            line += word;
        }
        out += line + "\n";
    }
    out += wrapped("man page followed" + (page.empty() ? std::string() : " (" + page + ")") +
                       ": the errno matched what the page says (man), the contract from the kernel code (code), both, or "
                       "neither; undoc: the page says nothing about that input on that call. Cases that gave no result "
                       "are not counted.",
                   "");
    if (auto uncovered = run_uncovered(run); !uncovered.empty()) {
        out += fmt("\nclasses of contract.md section 3 that no case runs (%zu):\n", uncovered.size());
        for (const auto* u : uncovered)
            out += wrapped(or_dash(str(*u, "title")) + ": " + or_dash(str(*u, "reason")), std::string(14, ' '),
                           terminal_clean(fmt("  %-5s %-5s ", or_dash(str(*u, "id")).c_str(), or_dash(str(*u, "section")).c_str()), 14));
    }

    // Worst first, run order within a verdict: the top lines are what to look at.
    std::vector<const nlohmann::json*> bad;
    for (const auto* c : cases) {
        std::string v = str(*c, "verdict");
        if (v != "PASS" && v != "RAN") bad.push_back(c);
    }
    std::stable_sort(bad.begin(), bad.end(), [](const nlohmann::json* x, const nlohmann::json* y) {
        return verdict_severity(str(*x, "verdict")) > verdict_severity(str(*y, "verdict"));
    });
    out += "\n";
    auto events = run_events(run);
    if (!events.empty()) {
        out += fmt("kernel reports between cases (%zu, each counted as KERNEL):\n", events.size());
        for (const auto* e : events) out += terminal_clean("  KERNEL " + event_label(*e), kWidth) + "\n";
        out += "\n";
    }
    // A verdict judges the errno only: a PASS that came with a stack dump or a sysfs complaint
    // is listed so it is seen as such (KERNEL cases are explained by their report already).
    std::vector<const nlohmann::json*> noted;
    for (const auto* c : cases)
        if (str(*c, "verdict") != "KERNEL" && !notes_text(*c).empty()) noted.push_back(c);
    if (!noted.empty()) {
        out += fmt("cases with kernel log notices besides their verdict (%zu):\n", noted.size());
        for (const auto* c : noted)
            out += terminal_clean(fmt("  %-6s %s  [%s %s]  %s", or_dash(str(*c, "verdict")).c_str(), case_key(*c).c_str(),
                                      case_class(*c).c_str(), case_call(*c).c_str(), notes_text(*c).c_str()),
                                  kWidth) +
                   "\n";
        out += "\n";
    }
    if (bad.empty()) {
        out += "every judged case PASSed\n";
        return out;
    }
    out += fmt("non-PASS cases (%zu):\n", bad.size());
    for (const auto* c : bad) {
        std::string v = str(*c, "verdict");
        out += terminal_clean(fmt("  %-6s %s  [%s %s]  %s", or_dash(v).c_str(), case_key(*c).c_str(), case_class(*c).c_str(),
                                  case_call(*c).c_str(), got_vs_expected(*c).c_str()),
                              kWidth) +
               "\n";
        std::string why = str(*c, "reason");
        std::string title = str(*c, "title");
        if (!title.empty() && why.find(title) == std::string::npos) why = why.empty() ? title : why + ": " + title;
        if (!why.empty()) out += "         " + terminal_clean(why, kWidth - 9) + "\n";
    }
    return out;
}

}  // namespace mh::conformance
