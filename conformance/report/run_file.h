// Loading a conformance run from disk: a conformance.json file or the run directory holding it.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

#include "harness/common/expected.h"

namespace mh::conformance {

inline constexpr std::string_view kRunSchema = "modharness.conformance/1";

// Reads and parses a run. Errors name the file and say what is wrong with it: missing, not JSON
// (with the parser's byte offset), not an object, wrong/missing "schema", "cases" not an array.
// Never throws.
mh::Expected<nlohmann::json> load_run(const std::filesystem::path& file_or_dir);

// The same checks on bytes already in memory; `origin` names them in errors.
mh::Expected<nlohmann::json> parse_run(std::string_view bytes, const std::string& origin);

}  // namespace mh::conformance
