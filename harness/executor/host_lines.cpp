#include "harness/executor/host_lines.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mh::executor {

HostLines::HostLines(bool nonblocking) : fd_(::open("/dev/ttyS1", O_RDONLY | O_NOCTTY | O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0))) {}

HostLines::~HostLines() {
    if (fd_ >= 0) ::close(fd_);
}

long HostLines::fill() {
    char block[4096];
    const ssize_t n = ::read(fd_, block, sizeof block);
    if (n > 0) buffer_.append(block, static_cast<size_t>(n));
    return n < 0 ? -1 : static_cast<long>(n);  // EAGAIN, EINTR, or the UART's state changing under a restore: read again later
}

Expected<std::string> HostLines::next(size_t limit, bool& too_long) {
    too_long = false;
    std::string line;
    for (;;) {
        const auto eol = buffer_.find('\n');
        const size_t take = eol == std::string::npos ? buffer_.size() : eol;
        if (!too_long) line.append(buffer_, 0, take);
        if (line.size() > limit) {
            too_long = true;
            line.clear();
        }
        if (eol != std::string::npos) {
            buffer_.erase(0, eol + 1);
            return line;
        }
        buffer_.clear();
        if (fill() == 0) return make_error("/dev/ttyS1 closed while waiting for the host");
    }
}

std::optional<std::string> HostLines::ready_line(size_t limit) {
    for (;;) {
        const auto eol = buffer_.find('\n');
        if (eol != std::string::npos) {
            std::string line = skipping_ ? std::string() : buffer_.substr(0, eol);
            const bool skipped = skipping_;
            skipping_ = false;
            buffer_.erase(0, eol + 1);
            if (!skipped && line.size() <= limit) return line;
            continue;
        }
        if (buffer_.size() > limit) {  // the rest of this line is not kept
            skipping_ = true;
            buffer_.clear();
        }
        if (fill() <= 0) return std::nullopt;
    }
}

namespace {

void make_parents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1))
        ::mkdir(path.substr(0, slash).c_str(), 0755);
}

}  // namespace

Status place_guest_file(const std::string& path, const std::string& data) {
    const std::string incoming = "/tmp/.mh-incoming";
    MH_TRY(write_guest_file(incoming, data));
    make_parents(path);
    if (::rename(incoming.c_str(), path.c_str()) != 0) return make_error("cannot rename into " + path + ": " + std::strerror(errno));
    return ok_status();
}

Status write_guest_file(const std::string& path, const std::string& data) {
    make_parents(path);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return make_error("cannot create " + path + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            return make_error("cannot write " + path + ": " + why);
        }
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    return ok_status();
}

}  // namespace mh::executor
