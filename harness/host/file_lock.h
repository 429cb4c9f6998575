// An exclusive advisory lock on a file (flock), held for a scope: serialises cache writers.
#pragma once

#include <filesystem>

#include "harness/common/expected.h"

namespace mh::host {

class FileLock {
public:
    // Blocks until the lock on `path` (created if missing, with its directory) is held.
    static Expected<FileLock> acquire(const std::filesystem::path& path);
    FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    explicit FileLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace mh::host
