// Builds the finit_module descriptor kinds; never calls a module syscall.
#include "harness/inputs/fd_kinds.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mh::inputs {
namespace {

Error sys_error(std::string_view what, const std::string& path = "") {
    return make_error(std::string(what) + (path.empty() ? "" : " " + path) + ": " + std::strerror(errno));
}

Expected<std::string> copy_file(const std::string& from, const std::string& to) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return sys_error("open", from);
    int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        ::close(in);
        return sys_error("create", to);
    }
    char buf[65536];
    ssize_t n;
    while ((n = ::read(in, buf, sizeof buf)) > 0)
        if (::write(out, buf, static_cast<size_t>(n)) != n) {
            ::close(in);
            ::close(out);
            return sys_error("write", to);
        }
    ::close(in);
    ::close(out);
    return to;
}

// A private copy of the image, so kinds that open for write never touch the shared original.
Expected<std::string> scratch_copy(const std::string& image, const std::string& scratch, std::string_view tag) {
    if (image.empty()) return make_error("fd kind needs an image file");
    return copy_file(image, scratch + "/fd-" + std::string(tag) + "-" + std::to_string(::getpid()) + ".ko");
}

Expected<PreparedFd> open_path(const std::string& path, int flags) {
    PreparedFd p;
    p.fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (p.fd < 0) return sys_error("open", path);
    return p;
}

}  // namespace

const std::vector<std::string_view>& fd_kind_names() {
    static const std::vector<std::string_view> names(kFdKindNames.begin(), kFdKindNames.end());
    return names;
}

bool is_fd_kind(std::string_view kind) {
    for (auto k : fd_kind_names())
        if (k == kind) return true;
    return false;
}

Expected<PreparedFd> prepare_fd(std::string_view kind, const std::string& image, const std::string& scratch) {
    if (kind == "file") return open_path(image, O_RDONLY);
    if (kind == "minus1") return PreparedFd{-1, {}, {}};
    if (kind == "closed" || kind == "high") {
        // A number that is certainly not an open descriptor.
        int fd = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return sys_error("open /");
        ::close(fd);
        return PreparedFd{kind == "high" ? 1000000 : fd, {}, {}};
    }
    if (kind == "wronly" || kind == "rdwr" || kind == "accmode3") {
        auto copy = scratch_copy(image, scratch, kind);
        if (!copy) return copy.error();
        int flags = kind == "wronly" ? O_WRONLY : kind == "rdwr" ? O_RDWR : O_ACCMODE;
        auto p = open_path(*copy, flags);
        if (p) p->path = *copy;
        return p;
    }
    if (kind == "path") return open_path(image, O_PATH);
    if (kind == "dir") return open_path(scratch, O_RDONLY | O_DIRECTORY);
    if (kind == "pipe") {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return sys_error("pipe2");
        return PreparedFd{fds[0], {fds[1]}, {}};
    }
    if (kind == "fifo") {
        std::string path = scratch + "/fifo-" + std::to_string(::getpid());
        if (::mkfifo(path.c_str(), 0600) != 0 && errno != EEXIST) return sys_error("mkfifo", path);
        // O_RDWR on a FIFO does not block waiting for a peer (Linux).
        auto p = open_path(path, O_RDWR | O_NONBLOCK);
        if (p) p->path = path;
        return p;
    }
    if (kind == "socket") {
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return sys_error("socket");
        return PreparedFd{fd, {}, {}};
    }
    if (kind == "eventfd") {
        int fd = ::eventfd(0, EFD_CLOEXEC);
        if (fd < 0) return sys_error("eventfd");
        return PreparedFd{fd, {}, {}};
    }
    if (kind == "epoll") {
        int fd = ::epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0) return sys_error("epoll_create1");
        return PreparedFd{fd, {}, {}};
    }
    if (kind == "devzero") return open_path("/dev/zero", O_RDONLY);
    if (kind == "devnull") return open_path("/dev/null", O_RDONLY);
    if (kind == "memfd") {
        // memfd_create gives an O_RDWR fd without a write count on the inode (contract F13).
        int fd = ::memfd_create("mh-module", MFD_CLOEXEC);
        if (fd < 0) return sys_error("memfd_create");
        int in = ::open(image.c_str(), O_RDONLY | O_CLOEXEC);
        if (in < 0) {
            ::close(fd);
            return sys_error("open", image);
        }
        char buf[65536];
        ssize_t n;
        while ((n = ::read(in, buf, sizeof buf)) > 0)
            if (::write(fd, buf, static_cast<size_t>(n)) != n) break;
        ::close(in);
        ::lseek(fd, 0, SEEK_SET);
        return PreparedFd{fd, {}, {}};
    }
    if (kind == "empty" || kind == "sparse2g" || kind == "sparse1g") {
        std::string path = scratch + "/" + std::string(kind) + "-" + std::to_string(::getpid());
        int w = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (w < 0) return sys_error("create", path);
        off_t size = kind == "empty" ? 0 : kind == "sparse2g" ? (off_t{1} << 31) : (off_t{1} << 30);
        int rc = ::ftruncate(w, size);
        ::close(w);
        if (rc != 0) return sys_error("ftruncate", path);
        auto p = open_path(path, O_RDONLY);
        if (p) p->path = path;
        return p;
    }
    if (kind == "procfs") return open_path("/proc/version", O_RDONLY);
    if (kind == "sysfs") return open_path("/sys/kernel/uevent_seqnum", O_RDONLY);
    if (kind == "held_writer") {
        // Another descriptor holds the inode open for writing: ETXTBSY for the reader (F6).
        auto copy = scratch_copy(image, scratch, kind);
        if (!copy) return copy.error();
        int writer = ::open(copy->c_str(), O_WRONLY | O_CLOEXEC);
        if (writer < 0) return sys_error("open for write", *copy);
        auto p = open_path(*copy, O_RDONLY);
        if (!p) {
            ::close(writer);
            return p;
        }
        p->keep_open.push_back(writer);
        p->path = *copy;
        return p;
    }
    return make_error("unknown fd kind '" + std::string(kind) + "'");
}

void release_fd(PreparedFd& p) {
    if (p.fd >= 0 && p.fd < 1000000) ::close(p.fd);
    for (int fd : p.keep_open) ::close(fd);
    if (!p.path.empty()) ::unlink(p.path.c_str());
    p = PreparedFd{};
}

}  // namespace mh::inputs
