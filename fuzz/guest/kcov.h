// KCOV for the calling thread: the kernel PCs one syscall executed (KCOV_TRACE_PC mode).
#pragma once

#include <cstdint>
#include <span>

namespace mh::fuzz {

class Kcov {
public:
    Kcov() = default;
    ~Kcov();
    Kcov(const Kcov&) = delete;
    Kcov& operator=(const Kcov&) = delete;

    // Opens /sys/kernel/debug/kcov and enables tracing for this thread; false when the kernel has
    // no KCOV (stock kernels: the caller falls back to black-box feedback).
    bool open(uint64_t words = 1 << 20);
    bool active() const { return area_ != nullptr; }
    void reset();  // before the call
    std::span<const uint64_t> pcs() const;  // after the call

private:
    int fd_ = -1;
    uint64_t* area_ = nullptr;
    uint64_t words_ = 0;
};

}  // namespace mh::fuzz
