// The one line the host sends a guest restored from a snapshot (on ttyS1, the results channel's
// UART): which cases to run, the batch token (checked against the initramfs token: a fresh guard
// check per restored guest) and a seed for the guest's entropy pool (every restore of one snapshot
// would otherwise share the random state the snapshot froze). A go record may announce files (a
// fuzz VM's fuzz.conf and inputs, which differ per VM while the snapshot holds only what every VM
// shares): `file` records, one per line, in the QEMU fw_cfg file kGoFilesFwCfgName of the restored
// VM. fw_cfg, not the UART: the guest reads it with port I/O at memory speed, and on 6.12 cloud
// kernels a restored guest that took tens of kilobytes on its UART crashed with corrupted EFLAGS
// (docs/performance.md).
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
    int files = 0;  // `file` records in the fw_cfg file kGoFilesFwCfgName
};

// One file for a restored guest. Its path is relative and under mh/ (no "..", no empty or "."
// parts): the host can add work, never replace the guest's programs.
struct GoFile {
    std::string path;
    std::string data;
};

inline constexpr std::size_t kGoSeedBytes = 32;
// A line longer than this is not a go record (the guest reads byte by byte and gives up on it).
inline constexpr std::size_t kMaxGoLineBytes = 512;
// ... and a `file` line longer than this is refused (the guest would hold it in memory).
inline constexpr std::size_t kMaxGoFileLineBytes = 64u << 20;
inline constexpr const char* kGoFilesFwCfgName = "opt/modharness/files";

// One kv line ending in '\n'.
std::string format_go(const GoRecord& go);
// Errors name what is wrong (not a go record, a missing key, a bad number or seed).
Expected<GoRecord> parse_go(const KvRecord& record);

// One kv line ending in '\n': path, size, fnv (FNV-1a/64 of the data), data (packed_bytes).
std::string format_go_file(const GoFile& file);
// Errors name what is wrong (a path outside mh/, a size or checksum that does not match).
Expected<GoFile> parse_go_file(const KvRecord& record);

}  // namespace mh::protocol
