// Shared helpers for the ELF model's unit tests: test data paths and the synthetic seed modules.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/common/files.h"
#include "harness/elf/compression.h"
#include "harness/elf/synth.h"

namespace mh::elf::test {

inline std::string testdata(const std::string& name) {
    return (std::filesystem::path(__FILE__).parent_path() / "testdata" / name).string();
}

inline std::vector<uint8_t> real_61() { return read_file_bytes(testdata("xt_comment-6.1.0-56-cloud.ko")).value(); }
inline std::vector<uint8_t> real_612_xz() { return read_file_bytes(testdata("xt_comment-6.12.117-cloud.ko.xz")).value(); }

inline std::vector<uint8_t> synthetic(int32_t init_ret = -131) {
    SynthOptions o;
    o.init_ret = init_ret;
    return emit(synthesize(example_profile(), o).value());
}

}  // namespace mh::elf::test
