// The guest backend: real module syscalls, /proc/sys/kernel/tainted, /dev/kmsg.
#pragma once

#include "harness/executor/backend.h"
#include "harness/executor/kmsg.h"

namespace mh::executor {

class RealBackend final : public ModuleBackend {
public:
    sys::RawResult init_module(const void* image, unsigned long len, const char* params) override;
    sys::RawResult finit_module(int fd, const char* params, unsigned long flags) override;
    sys::RawResult delete_module(const char* name, unsigned flags) override;
    uint64_t taint() override;
    std::vector<std::string> new_kernel_log() override { return kmsg_.read_new(); }

private:
    KmsgReader kmsg_;
};

}  // namespace mh::executor
