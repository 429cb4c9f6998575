// Writing one output file of a bench run (plain, not atomic: the run directory is the bench's own).
#pragma once

#include <filesystem>
#include <string>

#include "harness/common/expected.h"

namespace mh::bench {

// Creates or truncates `p`; the error names it.
Status write_file(const std::filesystem::path& p, const std::string& data);

}  // namespace mh::bench
