// Reached KCOV PCs as the host keeps them: a text file with one hex address per line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>

#include "harness/common/expected.h"

namespace mh::coverage {

using PcSet = std::unordered_set<std::uint64_t>;

// One address per line, "0xffffffff81234567" or "ffffffff81234567"; surrounding blanks, empty
// lines and '#' comment lines are allowed, duplicates collapse. Anything else is an error naming
// `name` and the line ("pcs.txt:12: 'zz' is not a hex address"), so a garbled file is never
// half-counted.
Expected<PcSet> parse_pcs(std::string_view text, const std::string& name);

// parse_pcs of a file's contents; a missing or unreadable file is an error naming it.
Expected<PcSet> read_pcs_file(const std::filesystem::path& path);

}  // namespace mh::coverage
