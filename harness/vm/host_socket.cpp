#include "harness/vm/host_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

namespace mh::vm {

Expected<HostSocket> HostSocket::listen(const std::string& purpose) {
    static std::atomic<unsigned> counter{0};
    const std::string name = "modharness-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + purpose;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return environment_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (name.size() + 1 > sizeof(addr.sun_path)) {
        ::close(fd);
        return make_error("socket name too long: " + name);
    }
    std::memcpy(addr.sun_path + 1, name.data(), name.size());  // sun_path[0] == 0: abstract
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 1) != 0) {
        const int e = errno;
        ::close(fd);
        return environment_error("cannot listen on @" + name + ": " + std::strerror(e));
    }
    return HostSocket(fd, name);
}

HostSocket::HostSocket(HostSocket&& o) noexcept : listen_(o.listen_), conn_(o.conn_), name_(std::move(o.name_)) {
    o.listen_ = -1;
    o.conn_ = -1;
}

HostSocket::~HostSocket() {
    if (conn_ >= 0) ::close(conn_);
    if (listen_ >= 0) ::close(listen_);
}

bool HostSocket::accept_pending() {
    if (conn_ >= 0) return true;
    if (listen_ < 0) return false;
    conn_ = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (conn_ < 0) return false;
    ::close(listen_);  // one client: QEMU
    listen_ = -1;
    return true;
}

bool HostSocket::accept_within(std::chrono::milliseconds limit, const std::function<bool()>& give_up) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!accept_pending()) {
        if (std::chrono::steady_clock::now() > until || (give_up && give_up())) return false;
        pollfd p{listen_, POLLIN, 0};
        ::poll(&p, 1, 20);
    }
    return true;
}

std::string HostSocket::read_available(bool* closed) {
    std::string out;
    if (closed) *closed = false;
    if (conn_ < 0) return out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(conn_, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0 && closed) *closed = true;
        if (n < 0 && errno == EINTR) continue;
        return out;
    }
}

size_t HostSocket::write_some(std::string_view bytes) {
    if (conn_ < 0 || bytes.empty()) return 0;
    const ssize_t n = ::send(conn_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return n > 0 ? static_cast<size_t>(n) : 0;
}

bool HostSocket::write_all(const std::string& bytes) {
    if (conn_ < 0) return false;
    size_t done = 0;
    for (int spins = 0; done < bytes.size() && spins < 1000; ++spins) {
        const ssize_t n = ::send(conn_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        return false;
    }
    return done == bytes.size();
}

}  // namespace mh::vm
