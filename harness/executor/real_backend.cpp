// RealBackend: linked only into the guest /init, which the guard keeps off real machines.
#include "harness/executor/real_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace mh::executor {

sys::RawResult RealBackend::init_module(const void* image, unsigned long len, const char* params) {
    return sys::init_module(image, len, params);
}

sys::RawResult RealBackend::finit_module(int fd, const char* params, unsigned long flags) { return sys::finit_module(fd, params, flags); }

sys::RawResult RealBackend::delete_module(const char* name, unsigned flags) { return sys::delete_module(name, flags); }

uint64_t RealBackend::taint() {
    int fd = ::open("/proc/sys/kernel/tainted", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[64] = {};
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    return n > 0 ? std::strtoull(buf, nullptr, 10) : 0;
}

}  // namespace mh::executor
