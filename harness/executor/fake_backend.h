// A scripted stand-in for the kernel, so the case loop runs in host unit tests.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "harness/executor/backend.h"

namespace mh::executor::testing {

// State shared across fork() through a MAP_SHARED page, so the parent sees what the child did.
struct FakeKernelState {
    int init_calls;
    int finit_calls;
    int delete_calls;
    unsigned long last_len;
    unsigned long last_flags;
    int last_fd_was_open;
    uint64_t taint;
    char last_params[128];
};

class FakeBackend final : public ModuleBackend {
public:
    FakeBackend() {
        void* p = ::mmap(nullptr, sizeof(FakeKernelState), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        state = static_cast<FakeKernelState*>(p);
        std::memset(state, 0, sizeof *state);
    }
    ~FakeBackend() override { ::munmap(state, sizeof(FakeKernelState)); }

    sys::RawResult init_module(const void*, unsigned long len, const char* params) override {
        __atomic_add_fetch(&state->init_calls, 1, __ATOMIC_SEQ_CST);  // callers may run concurrently
        state->last_len = len;
        if (params) std::strncpy(state->last_params, params, sizeof state->last_params - 1);
        if (on_init) return on_init(len);
        return {0, 0};
    }
    sys::RawResult finit_module(int fd, const char*, unsigned long flags) override {
        int n = __atomic_add_fetch(&state->finit_calls, 1, __ATOMIC_SEQ_CST);
        state->last_flags = flags;
        state->last_fd_was_open = ::fcntl(fd, F_GETFD) >= 0;
        if (on_finit) return on_finit(fd, flags, n);
        return {0, 0};
    }
    sys::RawResult delete_module(const char*, unsigned) override {
        __atomic_add_fetch(&state->delete_calls, 1, __ATOMIC_SEQ_CST);
        return {0, 0};
    }
    uint64_t taint() override { return state->taint; }
    std::vector<std::string> new_kernel_log() override {
        auto out = log;
        log.clear();
        return out;
    }

    FakeKernelState* state;
    std::function<sys::RawResult(unsigned long)> on_init;
    std::function<sys::RawResult(int, unsigned long, int nth_call)> on_finit;
    std::vector<std::string> log;
};

}  // namespace mh::executor::testing
