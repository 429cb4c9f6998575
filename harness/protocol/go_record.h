// The one line the host sends a guest restored from a snapshot (on ttyS1, the results channel's
// UART): which cases to run, the batch token (checked against the initramfs token: a fresh guard
// check per restored guest) and a seed for the guest's entropy pool (every restore of one snapshot
// would otherwise share the random state the snapshot froze).
#pragma once

#include <cstddef>
#include <string>

#include "harness/common/expected.h"
#include "harness/common/kv.h"

namespace mh::protocol {

struct GoRecord {
    int start = 0;  // first case index to run
    int stop = -1;  // cases from here on are not run (-1: to the end)
    std::string token;
    std::string seed_hex;  // 64 hex digits
};

inline constexpr std::size_t kGoSeedBytes = 32;
// A line longer than this is not a go record (the guest reads byte by byte and gives up on it).
inline constexpr std::size_t kMaxGoLineBytes = 512;

// One kv line ending in '\n'.
std::string format_go(const GoRecord& go);
// Errors name what is wrong (not a go record, a missing key, a bad number or seed).
Expected<GoRecord> parse_go(const KvRecord& record);

}  // namespace mh::protocol
