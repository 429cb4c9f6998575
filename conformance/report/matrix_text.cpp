// The kernel matrix as plain text: fixed-width columns, '*' on the cell where a row changes.
#include "conformance/report/matrix_text.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "conformance/report/matrix.h"
#include "conformance/report/run_view.h"
#include "conformance/report/summary_text.h"

namespace mh::conformance {
namespace {

constexpr std::size_t kCaseWidth = 44;  // the case column: group/id, cut to fit a terminal
constexpr std::size_t kMaxDetails = 40;  // change details listed per change point

template <typename... T>
std::string fmt(const char* f, T... v) {
    char buf[512];
    int n = std::snprintf(buf, sizeof buf, f, v...);
    return n < 0 ? std::string() : std::string(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1));
}

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

const nlohmann::json& arr(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    auto it = j.is_object() ? j.find(key) : j.end();
    return j.is_object() && it != j.end() && it->is_array() ? *it : empty;
}

std::string seconds(double s) { return fmt("%.0f s", s); }

// The kernel indices where a row changes.
std::set<std::size_t> change_columns(const nlohmann::json& row) {
    std::set<std::size_t> out;
    for (const auto& c : arr(row, "changes"))
        if (c.is_object() && c.contains("at") && c["at"].is_number_unsigned()) out.insert(c["at"].get<std::size_t>());
    return out;
}

std::string field_change(const nlohmann::json& a, const nlohmann::json& b, const std::string& field) {
    return field + " " + or_dash(str(a, field)) + " -> " + or_dash(str(b, field));
}

}  // namespace

std::string matrix_text(const nlohmann::json& m, bool all_rows) {
    std::string out;
    const auto& kernels = arr(m, "kernels");
    const auto& rows = arr(m, "rows");
    const auto& summary = obj(m, "summary");
    out += fmt("kernel matrix: %zu cases x %zu kernels\n", rows.size(), kernels.size());
    out += fmt("  %-3s %-12s %-20s %-11s %6s %4s %8s %8s\n", "#", "KERNEL", "LINE", "STATUS", "CASES", "VMS", "SECONDS", "FETCH");
    for (std::size_t k = 0; k < kernels.size(); ++k) {
        const auto& kj = kernels[k];
        const auto& s = obj(kj, "seconds");
        out += fmt("  %-3zu %-12s %-20s %-11s %6d %4d %8s %8s\n", k + 1, terminal_clean(str(kj, "label"), 12).c_str(),
                   terminal_clean(or_dash(str(kj, "family")), 20).c_str(), terminal_clean(or_dash(str(kj, "status")), 11).c_str(),
                   static_cast<int>(num(kj, "cases")), static_cast<int>(num(kj, "vms")), seconds(num(s, "total")).c_str(),
                   seconds(num(s, "fetch")).c_str());
        if (!str(kj, "error").empty()) out += "      error: " + terminal_clean(str(kj, "error"), 200) + "\n";
    }

    // Column widths: the kernel label or the widest cell.
    std::vector<std::size_t> width(kernels.size());
    for (std::size_t k = 0; k < kernels.size(); ++k)
        width[k] = std::max<std::size_t>(terminal_clean(str(kernels[k], "label"), 20).size(), 3);
    for (const auto& row : rows) {
        const auto& cells = arr(row, "cells");
        for (std::size_t k = 0; k < kernels.size() && k < cells.size(); ++k)
            width[k] = std::max(width[k], matrix_cell_text(cells[k]).size() + 1);
    }
    std::size_t shown = 0;
    std::string table = pad("CASE", kCaseWidth);
    for (std::size_t k = 0; k < kernels.size(); ++k) table += "  " + pad(terminal_clean(str(kernels[k], "label"), 20), width[k]);
    table += "\n";
    for (const auto& row : rows) {
        auto changes = change_columns(row);
        if (!all_rows && changes.empty()) continue;
        ++shown;
        table += pad(terminal_clean(str(row, "group") + "/" + str(row, "id"), kCaseWidth), kCaseWidth);
        const auto& cells = arr(row, "cells");
        for (std::size_t k = 0; k < kernels.size(); ++k) {
            std::string t = k < cells.size() ? matrix_cell_text(cells[k]) : "-";
            if (changes.count(k)) t = "*" + t;
            table += "  " + pad(t, width[k]);
        }
        table += "\n";
    }
    const auto rows_changed = static_cast<std::size_t>(num(summary, "rows_changed"));
    if (all_rows) {
        out += fmt("\nall %zu rows (%zu change between consecutive kernels):\n", rows.size(), rows_changed);
    } else {
        out += fmt("\nrows that change between consecutive kernels: %zu of %zu\n", rows_changed, rows.size());
    }
    if (shown) out += table + "(errno and verdict: P PASS, F FAIL, C CONF, B BROK, K KERNEL, R RAN; * the first kernel of a change)\n";

    const auto& points = arr(m, "change_points");
    out += fmt("\nchange points: %zu of %zu steps\n", points.size(), static_cast<std::size_t>(num(summary, "steps")));
    for (const auto& p : points) {
        out += fmt("  %s -> %s: %d case(s)\n", terminal_clean(str(p, "from_label"), 30).c_str(),
                   terminal_clean(str(p, "to_label"), 30).c_str(), static_cast<int>(num(p, "rows")));
        std::size_t listed = 0;
        const auto to = static_cast<std::size_t>(num(p, "to"));
        for (const auto& row : rows) {
            for (const auto& c : arr(row, "changes")) {
                if (static_cast<std::size_t>(num(c, "at")) != to) continue;
                if (++listed > kMaxDetails) continue;
                const auto& cells = arr(row, "cells");
                const auto from = static_cast<std::size_t>(num(c, "from"));
                if (from >= cells.size() || to >= cells.size()) continue;
                std::string what;
                for (const auto& f : str_list(c, "fields")) what += (what.empty() ? "" : "; ") + field_change(cells[from], cells[to], f);
                out +=
                    "    " + terminal_clean(str(row, "group") + "/" + str(row, "id"), kCaseWidth) + ": " + terminal_clean(what, 160) + "\n";
            }
        }
        if (listed > kMaxDetails) out += fmt("    ... and %zu more (matrix.json, matrix.html)\n", listed - kMaxDetails);
    }

    const auto& t = obj(m, "timing");
    if (!t.empty())
        out += fmt(
            "\ntiming: %s wall for %zu kernel(s) (jobs %d); fetching kernels %s (%.0f%%), preparing (seeds, initramfs) %s, suites %s; %d VM boots\n",
            seconds(num(t, "wall_seconds")).c_str(), kernels.size(), static_cast<int>(num(t, "jobs", 1)),
            seconds(num(t, "fetch_seconds")).c_str(), 100.0 * num(t, "fetch_share"), seconds(num(t, "prepare_seconds")).c_str(),
            seconds(num(t, "run_seconds")).c_str(), static_cast<int>(num(t, "vm_boots")));
    return out;
}

}  // namespace mh::conformance
