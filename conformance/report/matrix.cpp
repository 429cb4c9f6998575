// The kernel matrix: rows joined on (group, id) across runs, and the change points between kernels.
#include "conformance/report/matrix.h"

#include <map>
#include <utility>

#include "conformance/report/run_diff.h"
#include "conformance/report/run_view.h"

namespace mh::conformance {
namespace {

using Key = std::pair<std::string, std::string>;  // (group, id)

nlohmann::json cell_of(const nlohmann::json& c) {
    nlohmann::json cell = nlohmann::json::object();
    for (auto f : kDiffFields) cell[std::string(f)] = str(c, f);
    cell["reason"] = str(c, "reason");
    return cell;
}

// The fields in which two cells differ, in kDiffFields order.
nlohmann::json changed_fields(const nlohmann::json& a, const nlohmann::json& b) {
    nlohmann::json out = nlohmann::json::array();
    for (auto f : kDiffFields)
        if (str(a, f) != str(b, f)) out.push_back(std::string(f));
    return out;
}

std::string column_label(const nlohmann::json& kernel, std::size_t index) {
    std::string l = str(kernel, "label");
    return l.empty() ? "#" + std::to_string(index + 1) : l;
}

}  // namespace

nlohmann::json build_matrix(const std::vector<MatrixColumn>& columns) {
    using nlohmann::json;
    json m;
    m["schema"] = std::string(kMatrixSchema);
    m["fields"] = json::array();
    for (auto f : kDiffFields) m["fields"].push_back(std::string(f));
    m["kernels"] = json::array();

    std::map<Key, std::size_t> row_of;
    json rows = json::array();
    std::size_t with_runs = 0;
    for (std::size_t k = 0; k < columns.size(); ++k) {
        json kernel = columns[k].kernel.is_object() ? columns[k].kernel : json::object();
        const auto cases = run_cases(columns[k].run);
        if (columns[k].run.is_object() && columns[k].run.contains("cases")) ++with_runs;
        std::map<std::string, int> summary;
        for (const auto* c : cases) {
            ++summary[str(*c, "verdict")];
            Key key{str(*c, "group"), str(*c, "id")};
            auto [it, fresh] = row_of.emplace(key, rows.size());
            if (fresh) {
                rows.push_back({{"group", key.first},
                                {"id", key.second},
                                {"class", case_class(*c)},
                                {"call", case_call(*c)},
                                {"cells", json::array()},
                                {"changes", json::array()}});
                if (!str(*c, "malformation").empty()) rows.back()["malformation"] = str(*c, "malformation");
            }
            json& cells = rows[it->second]["cells"];
            while (cells.size() < k) cells.push_back(nullptr);
            if (cells.size() == k) cells.push_back(cell_of(*c));  // a duplicate key: the first is kept
        }
        kernel["cases"] = cases.size();
        kernel["summary"] = summary;
        int vms = 0;
        if (auto g = columns[k].run.is_object() ? columns[k].run.find("groups") : columns[k].run.end();
            columns[k].run.is_object() && g != columns[k].run.end() && g->is_array())
            for (const auto& group : *g) vms += static_cast<int>(num(group, "vms"));
        kernel["vms"] = vms;
        kernel["late_kernel_events"] = run_events(columns[k].run).size();
        m["kernels"].push_back(kernel);
    }

    // Changes: each cell against the nearest earlier cell of its row.
    std::vector<json> step_cases(columns.empty() ? 0 : columns.size() - 1, json::array());
    std::size_t rows_changed = 0;
    for (auto& row : rows) {
        json& cells = row["cells"];
        while (cells.size() < columns.size()) cells.push_back(nullptr);
        std::ptrdiff_t prev = -1;
        for (std::size_t k = 0; k < cells.size(); ++k) {
            if (cells[k].is_null()) continue;
            if (prev >= 0) {
                json fields = changed_fields(cells[static_cast<std::size_t>(prev)], cells[k]);
                if (!fields.empty()) {
                    row["changes"].push_back({{"at", k}, {"from", prev}, {"fields", fields}});
                    step_cases[k - 1].push_back(row["group"].get<std::string>() + "/" + row["id"].get<std::string>());
                }
            }
            prev = static_cast<std::ptrdiff_t>(k);
        }
        if (!row["changes"].empty()) ++rows_changed;
    }
    m["rows"] = rows;

    json points = json::array();
    for (std::size_t s = 0; s < step_cases.size(); ++s) {
        if (step_cases[s].empty()) continue;
        points.push_back({{"from", s},
                          {"to", s + 1},
                          {"from_label", column_label(m["kernels"][s], s)},
                          {"to_label", column_label(m["kernels"][s + 1], s + 1)},
                          {"rows", step_cases[s].size()},
                          {"cases", step_cases[s]}});
    }
    m["change_points"] = points;
    m["summary"] = {{"kernels", columns.size()},    {"kernels_with_runs", with_runs}, {"rows", rows.size()},
                    {"rows_changed", rows_changed}, {"steps", step_cases.size()},     {"steps_with_changes", points.size()}};
    return m;
}

bool matrix_has_changes(const nlohmann::json& matrix) {
    auto it = matrix.is_object() ? matrix.find("change_points") : matrix.end();
    return matrix.is_object() && it != matrix.end() && it->is_array() && !it->empty();
}

std::string matrix_cell_text(const nlohmann::json& cell) {
    if (!cell.is_object()) return "-";
    std::string v = str(cell, "verdict");
    std::string e = str(cell, "errno");
    return (e.empty() ? "-" : e) + " " + (v.empty() ? "?" : v.substr(0, 1));
}

}  // namespace mh::conformance
