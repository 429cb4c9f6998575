// FileTail: one descriptor kept open, read to EOF on each call.
#include "harness/host/file_tail.h"

#include <fcntl.h>
#include <unistd.h>

namespace mh::host {

FileTail::~FileTail() {
    if (fd_ >= 0) ::close(fd_);
}

std::string FileTail::read_new() {
    if (fd_ < 0) fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    std::string out;
    if (fd_ < 0) return out;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
}

}  // namespace mh::host
