// Lines the host writes into /dev/ttyS1 (the results channel's UART; a restored guest's is a
// socket on the host side): the go record at the ready point, then, in fuzz mode, peer inputs.
#pragma once

#include <optional>
#include <string>

#include "harness/common/expected.h"

namespace mh::executor {

class HostLines {
public:
    // `nonblocking`: ready_line() returns at once when no whole line has arrived.
    explicit HostLines(bool nonblocking = false);
    ~HostLines();
    HostLines(const HostLines&) = delete;
    HostLines& operator=(const HostLines&) = delete;
    bool open() const { return fd_ >= 0; }

    // The next line (without '\n'), waiting for it; `too_long` when it passed `limit` (its bytes
    // are dropped). Error when ttyS1 is closed.
    Expected<std::string> next(size_t limit, bool& too_long);
    // A whole line if one has arrived by now (reading what the UART holds), else nullopt. Lines
    // longer than `limit` are skipped.
    std::optional<std::string> ready_line(size_t limit);

private:
    // Appends one read()'s bytes to buffer_: >0 bytes, 0 closed, -1 nothing now (or EINTR).
    long fill();
    int fd_;
    std::string buffer_;
    bool skipping_ = false;  // inside a line that passed its limit
};

// Writes `data` to `path` (parents created, 0644). Error names the path and the errno.
Status write_guest_file(const std::string& path, const std::string& data);
// The same, but the file appears whole: written beside /tmp first, then renamed to `path` (under
// /tmp), so an engine listing the directory never reads half of it.
Status place_guest_file(const std::string& path, const std::string& data);

}  // namespace mh::executor
