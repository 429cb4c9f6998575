// Free space in the results directory: checked before each VM boots and while one runs.
#pragma once

#include <cstdint>
#include <filesystem>

#include "harness/common/expected.h"

namespace mh::session {

// What a run needs free by default: room for a VM's console log, its results channel and many
// results.jsonl lines. QEMU cannot tell us when its console or results file stops growing on a
// full disk (it drops the bytes), so stopping before that is the only way to lose no evidence.
inline constexpr std::uint64_t kDefaultMinFreeBytes = 1u << 20;

// Bytes an unprivileged writer can still use on the filesystem of `dir` (statvfs f_bavail).
Expected<std::uint64_t> free_bytes(const std::filesystem::path& dir);

// An error naming `dir`, what is free and what is needed when less than `min_bytes` is free
// (or statvfs fails); ok otherwise. min_bytes 0 disables the check.
Status check_free_space(const std::filesystem::path& dir, std::uint64_t min_bytes);

}  // namespace mh::session
