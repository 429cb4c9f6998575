// ResultsSink: one write + fdatasync per line; a failed append is undone with ftruncate.
#include "harness/session/results_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/sys/errno_names.h"

namespace mh::session {

std::string describe_errno(int err) { return std::string(std::strerror(err)) + " (" + sys::errno_name(err) + ")"; }

Expected<ResultsSink> ResultsSink::open(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return storage_error("cannot open " + path.string() + " for appending: " + describe_errno(errno));
    return ResultsSink(path, fd);
}

ResultsSink::ResultsSink(ResultsSink&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }

ResultsSink::~ResultsSink() {
    if (fd_ >= 0) ::close(fd_);
}

Status ResultsSink::append(const std::string& line) {
    struct stat st {};
    // Where the line starts: O_APPEND writes at the end, and only this process appends.
    const off_t before = ::fstat(fd_, &st) == 0 ? st.st_size : -1;
    const std::string l = line + "\n";
    int err = 0;
    size_t done = 0;
    while (done < l.size()) {
        ssize_t n = ::write(fd_, l.data() + done, l.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // write() returning 0 for a non-empty buffer has no errno; call it what it means here.
            err = n < 0 ? errno : ENOSPC;
            break;
        }
        done += static_cast<size_t>(n);
    }
    if (err == 0 && ::fdatasync(fd_) != 0) err = errno;
    if (err == 0) return ok_status();
    // A torn line would be dropped by the next --resume anyway, but a clean file is better for
    // every other reader (jq, the report tools). Shrinking needs no new blocks, so it works on a
    // full filesystem.
    if (before >= 0) (void)!::ftruncate(fd_, before);
    return storage_error("cannot write " + path_.string() + ": " + describe_errno(err));
}

}  // namespace mh::session
