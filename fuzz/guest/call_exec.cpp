// The guest side of a fuzz input: one module syscall per input (see call_exec.h).
#include "fuzz/guest/call_exec.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "harness/sys/syscalls.h"

namespace mh::fuzz {

namespace {

constexpr const char* kFilePath = "/tmp/mh-fuzz.ko";

bool write_all(int fd, const std::vector<uint8_t>& b) {
    size_t done = 0;
    while (done < b.size()) {
        const ssize_t n = ::pwrite(fd, b.data() + done, b.size() - done, static_cast<off_t>(done));
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// The file kinds: written, closed (finit refuses files open for writing), then reopened.
int file_fd(const std::vector<uint8_t>& image, int mode) {
    const int w = ::open(kFilePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (w < 0) return -1;
    const bool ok = write_all(w, image);
    ::close(w);
    return ok ? ::open(kFilePath, mode | O_CLOEXEC) : -1;
}

}  // namespace

CallExecutor::CallExecutor() { memfd_ = ::memfd_create("mh-fuzz", MFD_CLOEXEC); }

CallExecutor::~CallExecutor() {
    if (memfd_ >= 0) ::close(memfd_);
}

CallResult CallExecutor::run(const FuzzInput& in) {
    sys::RawResult r{-1, EBADF};
    const char* params = in.call.params.c_str();
    if (in.call.syscall == Syscall::init_module) {
        r = sys::init_module(in.image.data(), in.image.size(), params);
    } else {
        int fd = -1;
        int extra = -1;
        switch (in.call.fd_kind) {
            case FdKind::memfd:
                if (memfd_ >= 0 && ::ftruncate(memfd_, 0) == 0 && write_all(memfd_, in.image)) fd = memfd_;
                break;
            case FdKind::file: fd = file_fd(in.image, O_RDONLY); break;
            case FdKind::wronly: fd = file_fd(in.image, O_WRONLY); break;
            case FdKind::pipe: {
                int p[2];
                if (::pipe2(p, O_CLOEXEC) == 0) {
                    fd = p[0];
                    extra = p[1];
                }
                break;
            }
            case FdKind::count: break;
        }
        if (fd >= 0) r = sys::finit_module(fd, params, in.call.flags);
        if (fd >= 0 && fd != memfd_) ::close(fd);
        if (extra >= 0) ::close(extra);
    }
    if (r.ret == 0) unload_all();
    return {r.ret, r.ret == 0 ? 0 : r.err};
}

// Everything in /proc/modules: the fuzzing guest loads no module of its own.
void CallExecutor::unload_all() {
    FILE* f = std::fopen("/proc/modules", "re");
    if (!f) return;
    char line[512];
    std::vector<std::string> names;
    while (std::fgets(line, sizeof line, f)) {
        const char* sp = std::strchr(line, ' ');
        if (sp) names.emplace_back(line, static_cast<size_t>(sp - line));
    }
    std::fclose(f);
    for (const auto& n : names) {
        auto r = sys::delete_module(n.c_str(), O_NONBLOCK);
        if (r.ret != 0 && r.err == EBUSY) sys::delete_module(n.c_str(), O_NONBLOCK | O_TRUNC);  // no exit function: force
    }
}

}  // namespace mh::fuzz
