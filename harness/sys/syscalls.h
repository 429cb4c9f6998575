// Raw wrappers of the module syscalls (glibc wraps none of them): guest code only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "harness/sys/module_abi.h"

namespace mh::sys {

// Raw results: return value of syscall(2) and errno captured right after it.
struct RawResult {
    long ret;
    int err;
};

// These call the kernel directly. They are linked only into the guest executor and
// into tests that prove the executor refuses to run on a host (never reached there).
RawResult init_module(const void* image, unsigned long len, const char* params);
RawResult finit_module(int fd, const char* params, unsigned long flags);
RawResult delete_module(const char* name, unsigned flags);

}  // namespace mh::sys
