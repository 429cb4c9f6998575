// CRC-32 (IEEE 802.3), used to frame results on the guest->host channel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mh {

uint32_t crc32(std::string_view bytes, uint32_t seed = 0);

}  // namespace mh
