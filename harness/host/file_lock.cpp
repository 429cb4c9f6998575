// flock-based exclusive lock; released when the descriptor closes (also if we crash).
#include "harness/host/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "harness/common/files.h"

namespace mh::host {

namespace {

Expected<int> open_lock_file(const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return storage_error("cannot create directory '" + path.parent_path().string() + "': " + ec.message());
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return storage_error("cannot open lock file '" + path.string() + "': " + describe_errno(errno));
    return fd;
}

}  // namespace

Expected<FileLock> FileLock::acquire(const std::filesystem::path& path) {
    MH_TRY_ASSIGN(fd, open_lock_file(path));
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        int e = errno;
        ::close(fd);
        return storage_error("cannot lock '" + path.string() + "': " + describe_errno(e));
    }
    return FileLock(fd);
}

Expected<std::optional<FileLock>> FileLock::try_acquire(const std::filesystem::path& path) {
    MH_TRY_ASSIGN(fd, open_lock_file(path));
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        int e = errno;
        ::close(fd);
        if (e == EWOULDBLOCK) return std::optional<FileLock>();
        return storage_error("cannot lock '" + path.string() + "': " + describe_errno(e));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    return std::optional<FileLock>(FileLock(fd));
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace mh::host
