// The guest /init: guard, mount, run the batch of cases, send framed results on /dev/ttyS1, reboot.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/common/frame.h"
#include "harness/common/kv.h"
#include "harness/executor/case_runner.h"
#include "harness/executor/guard.h"
#include "harness/executor/guest_case.h"
#include "harness/executor/real_backend.h"

namespace {

using namespace mh;
using namespace mh::executor;

constexpr const char* kExecutorVersion = "1";
constexpr const char* kCasesPath = "/mh/cases";
constexpr const char* kResultsDevice = "/dev/ttyS1";

std::optional<std::string> slurp(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

[[noreturn]] void power_off() {
    ::sync();
    // With reboot=t on the kernel command line and -no-reboot, QEMU exits here (DESIGN.md).
    ::reboot(RB_AUTOBOOT);
    // Not reached in a VM; if reboot was refused, exiting PID 1 panics the kernel (panic=-1 ends QEMU).
    ::_exit(1);
}

void ensure_node(const char* path, mode_t mode, unsigned major, unsigned minor) {
    struct stat st {};
    if (::stat(path, &st) != 0) ::mknod(path, mode, ::makedev(major, minor));
}

void mount_filesystems() {
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
    ::mount("tmpfs", "/tmp", "tmpfs", 0, "size=75%");
}

class ResultsChannel {
public:
    ResultsChannel() {
        fd_ = ::open(kResultsDevice, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd_ < 0) return;
        termios t{};
        if (::tcgetattr(fd_, &t) == 0) {
            ::cfmakeraw(&t);
            ::cfsetospeed(&t, B115200);
            ::tcsetattr(fd_, TCSANOW, &t);
        }
    }
    bool ok() const { return fd_ >= 0; }
    void send(const KvRecord& rec) {
        std::string frame = frame_encode(kv_format(rec));
        // Also mirror to the console as a fallback when the results port is missing.
        int fd = fd_ >= 0 ? fd_ : 1;
        size_t off = 0;
        while (off < frame.size()) {
            ssize_t n = ::write(fd, frame.data() + off, frame.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
        // The frame must be out before a possible crash in the next case.
        if (fd_ >= 0) ::tcdrain(fd_);
    }

private:
    int fd_ = -1;
};

int refuse(const std::string& why, long pid) {
    std::fprintf(stderr, "modharness-executor: refusing to run: %s\n", why.c_str());
    std::fprintf(stderr, "modharness-executor: this program is the /init of a modharness VM; it must never run on a real machine.\n");
    if (pid == 1) power_off();
    return 2;
}

}  // namespace

int main() {
    GuardFacts facts;
    facts.pid = ::getpid();
    if (facts.pid != 1) return refuse(*refusal_reason(facts), facts.pid);
    struct statfs sfs {};
    if (::statfs("/", &sfs) == 0) facts.root_fs_magic = static_cast<uint64_t>(sfs.f_type);
    if (auto tok = slurp(kTokenPath)) facts.token = trim(*tok);
    // Only inside our own initramfs (token file present, ramfs root) do we mount /proc ourselves.
    if (facts.token && (facts.root_fs_magic == 0x858458f6 || facts.root_fs_magic == 0x01021994) &&
        !slurp("/proc/cmdline")) {
        ::mkdir("/proc", 0755);
        ::mount("proc", "/proc", "proc", 0, nullptr);
    }
    facts.cmdline = slurp("/proc/cmdline");
    if (auto why = refusal_reason(facts)) return refuse(*why, facts.pid);

    mount_filesystems();
    ResultsChannel channel;
    RealBackend backend;
    RunnerEnv env;

    KvRecord hello;
    hello.set("type", "hello");
    hello.set("version", kExecutorVersion);
    utsname u{};
    if (::uname(&u) == 0) hello.set("release", u.release);
    hello.set("taint", std::to_string(backend.taint()));
    hello.set("results_port", channel.ok() ? "ttyS1" : "console");
    channel.send(hello);

    int start = 0;
    if (auto s = cmdline_value(*facts.cmdline, "modharness.start=")) start = std::atoi(s->c_str());

    auto cases_text = slurp(kCasesPath);
    if (!cases_text) {
        KvRecord err;
        err.set("type", "error");
        err.set("message", std::string("cannot read ") + kCasesPath);
        channel.send(err);
        power_off();
    }
    std::istringstream lines(*cases_text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto rec = kv_parse(line);
        auto gc = rec ? parse_guest_case(*rec) : Expected<GuestCase>(rec.error());
        if (!gc) {
            KvRecord err;
            err.set("type", "error");
            err.set("message", "bad case line: " + gc.error().message);
            channel.send(err);
            continue;
        }
        if (gc->idx < start) continue;
        KvRecord begin;
        begin.set("type", "start");
        begin.set("idx", std::to_string(gc->idx));
        begin.set("id", gc->id);
        channel.send(begin);
        auto outcome = run_case(*gc, backend, env);
        channel.send(outcome.record);
        if (outcome.poisoned) {
            KvRecord restart;
            restart.set("type", "restart");
            restart.set("next", std::to_string(gc->idx + 1));
            channel.send(restart);
            power_off();
        }
    }
    KvRecord end;
    end.set("type", "end");
    channel.send(end);
    power_off();
}
