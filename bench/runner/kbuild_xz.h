// xz compression exactly as Kbuild's modules_install writes a .ko.xz.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::bench {

// `xz --check=crc32 --lzma2=dict=1MiB` (scripts/Makefile.modinst) of `raw`.
Expected<std::string> kbuild_xz(const std::vector<uint8_t>& raw);

}  // namespace mh::bench
