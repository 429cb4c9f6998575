// What the case loop needs from the kernel; the real one makes syscalls, tests use a fake.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/sys/syscalls.h"

namespace mh::executor {

class ModuleBackend {
public:
    virtual ~ModuleBackend() = default;
    virtual sys::RawResult init_module(const void* image, unsigned long len, const char* params) = 0;
    virtual sys::RawResult finit_module(int fd, const char* params, unsigned long flags) = 0;
    virtual sys::RawResult delete_module(const char* name, unsigned flags) = 0;
    virtual uint64_t taint() = 0;
    // Kernel log records emitted since the previous call (text only).
    virtual std::vector<std::string> new_kernel_log() = 0;
};

}  // namespace mh::executor
