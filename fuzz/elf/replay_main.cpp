// Replays saved fuzz inputs (files or directories of files) through a LLVMFuzzerTestOneInput, with any compiler.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "harness/common/files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool run_file(const std::filesystem::path& p) {
    const auto bytes = mh::read_file_bytes(p);
    if (!bytes) {
        std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
        return false;
    }
    LLVMFuzzerTestOneInput(bytes->data(), bytes->size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIR...  (runs each input once; a crash fails the test)\n", argv[0]);
        return 2;
    }
    size_t n = 0;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path p = argv[i];
        if (std::filesystem::is_directory(p)) {
            std::vector<std::filesystem::path> files;
            for (const auto& e : std::filesystem::recursive_directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
            std::sort(files.begin(), files.end());
            for (const auto& f : files) ok &= run_file(f), ++n;
        } else {
            ok &= run_file(p), ++n;
        }
    }
    std::printf("replayed %zu inputs\n", n);
    return ok && n > 0 ? 0 : 1;
}
