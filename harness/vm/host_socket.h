// A unix socket in the abstract namespace that the host listens on and QEMU connects to as a
// client (`-chardev socket,path=NAME,abstract=on`): no file to clean up and no path-length trouble
// with long work directories. Used for QMP and for a restored guest's results UART.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "harness/common/expected.h"

namespace mh::vm {

class HostSocket {
public:
    // Listens on a fresh name ("modharness-<pid>-<n>-<purpose>").
    static Expected<HostSocket> listen(const std::string& purpose);
    HostSocket(HostSocket&& other) noexcept;
    HostSocket& operator=(HostSocket&&) = delete;
    HostSocket(const HostSocket&) = delete;
    ~HostSocket();

    // The value for QEMU's `-chardev socket,path=...,abstract=on`.
    const std::string& name() const { return name_; }
    // Accepts QEMU's connection if it is there (never blocks); true once connected.
    bool accept_pending();
    // Waits up to `limit` for the connection, or until `give_up` says so (QEMU ended).
    bool accept_within(std::chrono::milliseconds limit, const std::function<bool()>& give_up = {});
    bool connected() const { return conn_ >= 0; }
    // Whatever has arrived (never blocks); `closed` is set at end of stream.
    std::string read_available(bool* closed = nullptr);
    // Writes all of `bytes` (blocks briefly if the socket buffer is full); false if not connected.
    bool write_all(const std::string& bytes);
    // Sends what the socket takes now, without waiting; how many bytes went (0 when it is full,
    // not connected or closed).
    size_t write_some(std::string_view bytes);

    int fd() const { return conn_; }

private:
    HostSocket(int listen_fd, std::string name) : listen_(listen_fd), name_(std::move(name)) {}
    int listen_ = -1;
    int conn_ = -1;
    std::string name_;
};

}  // namespace mh::vm
