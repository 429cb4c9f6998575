// A guest /init's surroundings (executor and bench): the harness-VM guard, mounts, the framed results port, power-off.
#pragma once

#include <optional>
#include <string>

#include "harness/common/kv.h"

namespace mh::executor {

// Decides whether we are PID 1 of a harness VM (harness/executor/guard.h, the executor's rule);
// mounts /proc only inside our own initramfs to read the command line. nullopt = allowed.
std::optional<std::string> guest_refusal();
// The same rule for a descendant of the harness /init (the in-guest fuzz engines): instead of
// being PID 1 itself, PID 1 must be /init; /proc must already be mounted (by that /init).
std::optional<std::string> guest_child_refusal();

// sysfs, devtmpfs (or the few device nodes we need), debugfs, tmpfs /tmp with `tmpfs_options`.
void mount_guest_filesystems(const char* tmpfs_options = "size=75%");

// Refuses loudly, naming `program`; as PID 1 it powers the VM off, elsewhere it returns exit code 2.
int refuse_and_exit(const std::string& program, const std::string& why);

[[noreturn]] void power_off();

// Raw /dev/ttyS1 writer of CRC frames (harness/protocol/frame.h); console fallback.
class ResultsPort {
public:
    ResultsPort();
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
