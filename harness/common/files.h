// Whole-file helpers used by the caches, reports and guest programs: read, atomic replace, UTC timestamps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh {

// The one whole-file reader: every byte (binary mode; "text" only means the bytes come back as a
// std::string). Errors name the file and the reason. Callers that treat an unreadable file as
// empty say so with .value_or("").
Expected<std::string> read_text_file(const std::filesystem::path& p);
// The same bytes as a byte vector (module images).
Expected<std::vector<uint8_t>> read_file_bytes(const std::filesystem::path& p);
// Writes to a temporary beside `p` and renames it over `p`: readers never see half a file.
Status write_file_atomic(const std::filesystem::path& p, const std::string& text);
// "2026-11-29T04:10:00Z"
std::string utc_now_iso();

}  // namespace mh
