// Guest /init surroundings shared by the executor and the guest bench: mounts, results port, power-off.
#include "harness/executor/guest_env.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "harness/protocol/frame.h"
#include "harness/protocol/frame_types.h"

namespace mh::executor {
namespace {

void ensure_node(const char* path, mode_t mode, unsigned major, unsigned minor) {
    struct stat st {};
    if (::stat(path, &st) != 0) ::mknod(path, mode, ::makedev(major, minor));
}

void write_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
}

}  // namespace

void write_console(const std::string& text) { write_all(1, text); }

void mount_guest_filesystems(const char* tmpfs_options) {
    ::mkdir("/sys", 0755);
    ::mkdir("/dev", 0755);
    ::mkdir("/tmp", 01777);
    ::mount("sysfs", "/sys", "sysfs", 0, nullptr);
    if (::mount("devtmpfs", "/dev", "devtmpfs", 0, nullptr) != 0) {
        ensure_node("/dev/console", S_IFCHR | 0600, 5, 1);
        ensure_node("/dev/null", S_IFCHR | 0666, 1, 3);
        ensure_node("/dev/zero", S_IFCHR | 0666, 1, 5);
        ensure_node("/dev/kmsg", S_IFCHR | 0644, 1, 11);
    }
    ensure_node("/dev/ttyS1", S_IFCHR | 0600, 4, 65);
    ::mount("debugfs", "/sys/kernel/debug", "debugfs", 0, nullptr);
    ::mount("tmpfs", "/tmp", "tmpfs", 0, tmpfs_options);
}

[[noreturn]] void power_off() {
    ::sync();
    // With reboot=t on the kernel command line and -no-reboot, QEMU exits here (DESIGN.md).
    ::reboot(RB_AUTOBOOT);
    ::_exit(1);
}

int refuse_and_exit(const std::string& program, const std::string& why) {
    std::fprintf(stderr, "%s: refusing to run: %s\n", program.c_str(), why.c_str());
    std::fprintf(stderr, "%s: this program is the /init of a modharness VM; it must never run on a real machine.\n", program.c_str());
    if (::getpid() == 1) power_off();
    return 2;
}

ResultsPort::ResultsPort(bool on_console) {
    if (on_console) return;
    fd_ = ::open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0) return;
    termios t{};
    if (::tcgetattr(fd_, &t) == 0) {
        ::cfmakeraw(&t);
        ::cfsetospeed(&t, B115200);
        ::tcsetattr(fd_, TCSANOW, &t);
    }
}

ResultsPort::~ResultsPort() {
    if (fd_ >= 0) ::close(fd_);
}

void ResultsPort::send(const KvRecord& rec) {
    write_all(fd_ >= 0 ? fd_ : 1, protocol::frame_encode(kv_format(rec)));
    if (fd_ >= 0) ::tcdrain(fd_);
}

void ResultsPort::send_chunked(const std::string& stream, const std::string& text, size_t chunk_bytes) {
    size_t total = (text.size() + chunk_bytes - 1) / chunk_bytes;
    for (size_t i = 0; i < total; ++i) {
        KvRecord r = protocol::make_record(protocol::FrameType::Chunk);
        r.set("stream", stream);
        r.set("seq", std::to_string(i));
        r.set("total", std::to_string(total));
        r.set("data", text.substr(i * chunk_bytes, chunk_bytes));
        write_all(fd_ >= 0 ? fd_ : 1, protocol::frame_encode(kv_format(r)));
    }
    if (fd_ >= 0) ::tcdrain(fd_);
}

}  // namespace mh::executor
