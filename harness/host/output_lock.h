// One run per output directory: a second run/conform/fuzz/bench into the same --out is refused at
// once instead of interleaving its results with the first one's.
#pragma once

#include <filesystem>

#include "harness/common/expected.h"
#include "harness/host/file_lock.h"

namespace mh::host {

// The lock file inside an output directory (kept: removing a flock file races with its next user).
inline constexpr const char* kOutputLockFile = ".modharness.lock";

// Creates `dir` and locks it for this process until the FileLock goes. Held by another process:
// a usage error (exit 2) naming the directory and the holder's pid.
Expected<FileLock> lock_output_dir(const std::filesystem::path& dir);

}  // namespace mh::host
