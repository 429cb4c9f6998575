// Test helper: the canned apt-cache output in harness/kernels/testdata ($MH_SOURCE_DIR, else beside this file).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness/common/files.h"

namespace mh::kernels::fixtures {

inline std::filesystem::path testdata_path(const std::string& name) {
    const char* root = std::getenv("MH_SOURCE_DIR");
    if (root != nullptr && *root != '\0') return std::filesystem::path(root) / "harness/kernels/testdata" / name;
    return std::filesystem::path(__FILE__).parent_path() / "testdata" / name;
}

// The fixture's text ("" when it cannot be read: the tests using it then fail on content).
inline std::string testdata(const std::string& name) { return read_text_file(testdata_path(name)).value_or(""); }

}  // namespace mh::kernels::fixtures
