// The kernel matrix as one self-contained HTML page: kernels, change points, the rows that change, every row.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// A complete page (html_page frame, no scripts, no assets): cells coloured by verdict, the cell
// where a row changes outlined, each kernel linked to its run's report (<dir>/report.html).
std::string matrix_html(const nlohmann::json& matrix);

}  // namespace mh::conformance
