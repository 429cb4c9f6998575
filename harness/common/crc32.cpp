// Table-driven CRC-32 (reflected polynomial 0xEDB88320), same as zlib's crc32().
#include "harness/common/crc32.h"

#include <array>

namespace mh {
namespace {

constexpr std::array<uint32_t, 256> make_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}

constexpr auto kTable = make_table();

}  // namespace

uint32_t crc32(std::string_view bytes, uint32_t seed) {
    uint32_t c = seed ^ 0xFFFFFFFFu;
    for (unsigned char b : bytes) c = kTable[(c ^ b) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

}  // namespace mh
