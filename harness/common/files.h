// Whole-file helpers used by the caches and reports: read, atomic replace, UTC timestamps.
#pragma once

#include <filesystem>
#include <string>

#include "harness/common/expected.h"

namespace mh {

// The whole file; errors name it.
Expected<std::string> read_text_file(const std::filesystem::path& p);
// Writes to a temporary beside `p` and renames it over `p`: readers never see half a file.
Status write_file_atomic(const std::filesystem::path& p, const std::string& text);
// "2026-11-29T04:10:00Z"
std::string utc_now_iso();

}  // namespace mh
