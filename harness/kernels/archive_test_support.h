// Test helper: the canned apt-cache output in harness/kernels/testdata ($MH_SOURCE_DIR, else beside this file).
#pragma once

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/common/files.h"

namespace mh::kernels::fixtures {

inline std::filesystem::path testdata_path(const std::string& name) {
    const char* root = std::getenv("MH_SOURCE_DIR");
    if (root != nullptr && *root != '\0') return std::filesystem::path(root) / "harness/kernels/testdata" / name;
    return std::filesystem::path(__FILE__).parent_path() / "testdata" / name;
}

// The fixture's text ("" when it cannot be read: the tests using it then fail on content).
inline std::string testdata(const std::string& name) { return read_text_file(testdata_path(name)).value_or(""); }

// Writes `text` as DIR/usr/share/doc/linux-image-<release>-unsigned/changelog.Debian.gz, gzip-framed
// as dpkg writes it: a kernel directory as a fetch leaves it, for the changelog readers.
inline bool write_kernel_changelog(const std::filesystem::path& kernel_dir, const std::string& release, const std::string& text) {
    const auto doc = kernel_dir / "usr/share/doc" / ("linux-image-" + release + "-unsigned");
    std::error_code ec;
    std::filesystem::create_directories(doc, ec);
    std::vector<unsigned char> packed(compressBound(static_cast<uLong>(text.size())) + 32);
    z_stream zs{};
    if (deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = packed.data();
    zs.avail_out = static_cast<uInt>(packed.size());
    const bool done = deflate(&zs, Z_FINISH) == Z_STREAM_END;
    packed.resize(zs.total_out);
    deflateEnd(&zs);
    return done && write_file_atomic(doc / "changelog.Debian.gz", std::string(packed.begin(), packed.end())).ok();
}

}  // namespace mh::kernels::fixtures
