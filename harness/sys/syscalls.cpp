// Raw syscall wrappers for the module syscalls; errno is sampled immediately.
#include "harness/sys/syscalls.h"

#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

namespace mh::sys {

RawResult init_module(const void* image, unsigned long len, const char* params) {
    errno = 0;
    long r = ::syscall(kNrInitModule, image, len, params);
    return {r, r < 0 ? errno : 0};
}

RawResult finit_module(int fd, const char* params, unsigned long flags) {
    errno = 0;
    long r = ::syscall(kNrFinitModule, fd, params, flags);
    return {r, r < 0 ? errno : 0};
}

RawResult delete_module(const char* name, unsigned flags) {
    errno = 0;
    long r = ::syscall(kNrDeleteModule, name, flags);
    return {r, r < 0 ? errno : 0};
}

}  // namespace mh::sys
