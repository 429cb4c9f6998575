// A QMP client over a socket QEMU connected to (`-mon chardev=...,mode=control`): the greeting,
// qmp_capabilities, then one command at a time. Only what saving and restoring a guest needs.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/common/expected.h"
#include "harness/vm/host_socket.h"

namespace mh::vm {

class Qmp {
public:
    // Reads the greeting and negotiates capabilities; `socket` must be connected.
    static Expected<Qmp> open(HostSocket& socket, std::chrono::milliseconds limit);
    // Runs one command; the `return` value, or QEMU's error description. Events are skipped.
    Expected<nlohmann::json> execute(const std::string& command, const nlohmann::json& arguments = nullptr,
                                     std::chrono::milliseconds limit = std::chrono::seconds(10));
    // Polls query-migrate (or, on the incoming side, query-status) until the migration is done.
    Expected<bool> wait_migration(bool incoming, std::chrono::milliseconds limit);

private:
    explicit Qmp(HostSocket& socket) : socket_(&socket) {}
    Expected<nlohmann::json> read_message(std::chrono::steady_clock::time_point until);
    HostSocket* socket_;
    std::string buffer_;
};

}  // namespace mh::vm
