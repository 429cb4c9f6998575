// Case files run as a conformance-shaped run: the matrix's alternative to the suite, judged by the files' own expect=.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/common/expected.h"
#include "harness/session/run_session.h"

namespace mh::conformance {

// The group name the cases of case files are reported under.
inline constexpr const char* kCaseFilesGroup = "cases";

// Loads every file (usage errors for bad files and duplicate ids, before anything runs).
Expected<std::vector<session::HostCase>> load_case_files(const std::vector<std::filesystem::path>& files);

// Runs the cases of `files` on options.kernel into options.out_dir/cases/ (results.jsonl,
// consoles; --resume as `run` does) and returns a run in the conformance schema
// (modharness.conformance/1, one group "cases"): each case's result record with group, class
// (its class= or ""), log_class and taint_added as the suite writes them. Also written to
// options.out_dir/conformance.json.
Expected<nlohmann::json> run_case_files(const std::vector<std::filesystem::path>& files, const session::SessionOptions& options);

}  // namespace mh::conformance
