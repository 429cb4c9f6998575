#include "harness/vm/qmp.h"

#include <poll.h>

#include <thread>

namespace mh::vm {

using Clock = std::chrono::steady_clock;

Expected<nlohmann::json> Qmp::read_message(Clock::time_point until) {
    for (;;) {
        const auto eol = buffer_.find('\n');
        if (eol != std::string::npos) {
            const std::string line = buffer_.substr(0, eol);
            buffer_.erase(0, eol + 1);
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object()) return make_error("QMP: not a JSON object: " + line.substr(0, 200));
            return j;
        }
        if (Clock::now() > until) return make_error("QMP: no answer in time");
        pollfd p{socket_->fd(), POLLIN, 0};
        ::poll(&p, 1, 20);
        bool closed = false;
        buffer_ += socket_->read_available(&closed);
        if (closed && buffer_.find('\n') == std::string::npos) return make_error("QMP: QEMU closed the monitor");
    }
}

Expected<Qmp> Qmp::open(HostSocket& socket, std::chrono::milliseconds limit) {
    Qmp q(socket);
    auto greeting = q.read_message(Clock::now() + limit);
    if (!greeting) return greeting.error();
    if (!greeting->contains("QMP")) return make_error("QMP: no greeting");
    auto caps = q.execute("qmp_capabilities", nullptr, limit);
    if (!caps) return caps.error();
    return q;
}

Expected<nlohmann::json> Qmp::execute(const std::string& command, const nlohmann::json& arguments, std::chrono::milliseconds limit) {
    nlohmann::json msg = {{"execute", command}};
    if (!arguments.is_null()) msg["arguments"] = arguments;
    if (!socket_->write_all(msg.dump() + "\n")) return make_error("QMP " + command + ": cannot write to the monitor");
    const auto until = Clock::now() + limit;
    for (;;) {
        auto m = read_message(until);
        if (!m) return make_error("QMP " + command + ": " + m.error().message);
        if (m->contains("return")) return (*m)["return"];
        if (m->contains("error")) return make_error("QMP " + command + ": " + (*m)["error"].value("desc", std::string("error")));
        // an event: skip
    }
}

Expected<bool> Qmp::wait_migration(bool incoming, std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    for (;;) {
        if (incoming) {
            auto st = execute("query-status");
            if (!st) return st.error();
            const std::string status = st->value("status", std::string());
            if (status != "inmigrate")
                return status == "running" || status == "paused" || status == "postmigrate"
                           ? true
                           : Expected<bool>(make_error("restore ended in state " + status));
        } else {
            auto st = execute("query-migrate");
            if (!st) return st.error();
            const std::string status = st->value("status", std::string());
            if (status == "completed") return true;
            if (status == "failed" || status == "cancelled")
                return make_error("migration " + status +
                                  (st->contains("error-desc") ? ": " + (*st)["error-desc"].get<std::string>() : std::string()));
        }
        if (Clock::now() > until) return make_error(std::string(incoming ? "restore" : "snapshot") + " did not complete in time");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace mh::vm
