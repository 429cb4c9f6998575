// Test support for harness/vm: a self-removing temp directory, file writing, a fake bzImage.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace mh::host::testing {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix) {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

inline void write_file(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// A boot sector + setup header good enough for inspect_bzimage.
inline std::string fake_bzimage(const std::string& version) {
    std::string img(0x2000, '\0');
    img.replace(0x202, 4, "HdrS");
    img[0x206] = 0x0f, img[0x207] = 0x02;  // protocol 2.15
    img[0x20e] = 0x00, img[0x20f] = 0x03;  // version string at 0x300 + 0x200
    img.replace(0x500, version.size(), version);
    return img;
}

}  // namespace mh::host::testing
