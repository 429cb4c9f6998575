// The kernel matrix (modharness.matrix/1): conformance runs of one case selection on an ordered
// set of kernels, one row per case, one column per kernel, and the change points between
// consecutive kernels. Built from run JSON only; docs/matrix.md is the schema.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mh::conformance {

inline constexpr std::string_view kMatrixSchema = "modharness.matrix/1";

// One column: the kernel's entry for "kernels" (key, label, status, timings...; kept as given)
// and its conformance run (modharness.conformance/1; null or empty when it has none, e.g. a
// kernel that failed to fetch).
struct MatrixColumn {
    nlohmann::json kernel;
    nlohmann::json run;
};

// {"schema", "kernels": [column.kernel + "cases", "summary", "vms", "late_kernel_events"],
//  "fields": ["errno", "verdict", "log_class", "taint_added"],
//  "rows": [{"group", "id", "class", "call", "cells": [cell | null per kernel],
//            "changes": [{"at", "from", "fields": [...]}]}],   // at/from: kernel indices
//  "change_points": [{"from", "to", "from_label", "to_label", "rows", "cases": ["group/id", ...]}],  // steps with changes only
//  "summary": {"kernels", "kernels_with_runs", "rows", "rows_changed", "steps", "steps_with_changes"}}
// A cell holds the run's fields (kDiffFields) plus "reason"; null where the kernel's run has no
// such case. A change is a cell that differs in any field from the nearest kernel before it that
// has the case (absence is not a change). Rows keep the order of the first run that has them.
// The caller adds run-level facts (set, selection, timing, started/finished).
nlohmann::json build_matrix(const std::vector<MatrixColumn>& columns);

// True when some case changes between consecutive kernels.
bool matrix_has_changes(const nlohmann::json& matrix);

// A cell's short text for tables: "EINVAL P" (errno and the verdict's first letter), "-" for none.
std::string matrix_cell_text(const nlohmann::json& cell);

}  // namespace mh::conformance
