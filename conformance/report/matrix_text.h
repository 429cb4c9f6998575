// The kernel matrix as plain text for the terminal and matrix.txt: kernels, rows, change points, timing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// Kernels (status, cases, VMs, seconds), then the rows that change (every row with
// `all_rows`) with one column per kernel -- a '*' marks the first kernel of a change -- then each
// change point with the fields that changed, and the timing line.
std::string matrix_text(const nlohmann::json& matrix, bool all_rows = false);

}  // namespace mh::conformance
