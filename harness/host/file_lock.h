// An exclusive advisory lock on a file (flock), held for a scope: serialises cache writers.
#pragma once

#include <filesystem>
#include <optional>

#include "harness/common/expected.h"

namespace mh::host {

class FileLock {
public:
    // Blocks until the lock on `path` (created if missing, with its directory) is held.
    static Expected<FileLock> acquire(const std::filesystem::path& path);
    // Takes the lock without waiting: nullopt when another process holds it. The holder's pid is
    // written into the file (what the message of the one refused can name).
    static Expected<std::optional<FileLock>> try_acquire(const std::filesystem::path& path);
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
