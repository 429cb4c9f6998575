// /dev/kmsg: one read() returns one record; EAGAIN means no more; EPIPE means records were overwritten.
#include "harness/executor/kmsg.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace mh::executor {

KmsgReader::KmsgReader() {
    fd_ = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ >= 0) ::lseek(fd_, 0, SEEK_END);
}

KmsgReader::~KmsgReader() {
    if (fd_ >= 0) ::close(fd_);
}

std::string kmsg_record_text(const std::string& record) {
    auto semi = record.find(';');
    std::string text = semi == std::string::npos ? record : record.substr(semi + 1);
    auto nl = text.find('\n');
    if (nl != std::string::npos) text.resize(nl);
    return text;
}

std::vector<std::string> KmsgReader::read_new() {
    std::vector<std::string> out;
    if (fd_ < 0) return out;
    char buf[8192];
    for (int i = 0; i < 4096; ++i) {
        ssize_t n = ::read(fd_, buf, sizeof buf - 1);
        if (n > 0) {
            out.push_back(kmsg_record_text(std::string(buf, static_cast<size_t>(n))));
            continue;
        }
        if (n < 0 && errno == EPIPE) {
            out.push_back("[modharness: kernel log records were lost (ring buffer overrun)]");
            continue;
        }
        break;
    }
    return out;
}

}  // namespace mh::executor
