// A guest /init's surroundings (executor and bench): mounts, the framed results port, power-off, the refusal
// message (the guard itself is harness/guest_guard).
#pragma once

#include <string>

#include "harness/common/kv.h"

namespace mh::executor {

// sysfs, devtmpfs (or the few device nodes we need), debugfs, tmpfs /tmp with `tmpfs_options`.
void mount_guest_filesystems(const char* tmpfs_options = "size=75%");

// Refuses loudly, naming `program`; as PID 1 it powers the VM off, elsewhere it returns exit code 2.
int refuse_and_exit(const std::string& program, const std::string& why);

[[noreturn]] void power_off();

// Plain text to the console (init's stdout), e.g. the lines a LAVA monitor matches.
void write_console(const std::string& text);

// Raw /dev/ttyS1 writer of CRC frames (harness/protocol/frame.h); console fallback, or the console
// by choice (`on_console`: a VM with one serial port, e.g. a LAVA lab's qemu device).
class ResultsPort {
public:
    explicit ResultsPort(bool on_console = false);
    ~ResultsPort();
    ResultsPort(const ResultsPort&) = delete;
    ResultsPort& operator=(const ResultsPort&) = delete;
    bool on_serial() const { return fd_ >= 0; }
    // Sends one record and waits until it has left (so host arrival times mean something).
    void send(const KvRecord& rec);
    // Sends a large text as numbered chunks: type=chunk stream=NAME seq=i total=n data=...
    void send_chunked(const std::string& stream, const std::string& text, size_t chunk_bytes = 3000);

private:
    int fd_ = -1;
};

}  // namespace mh::executor
