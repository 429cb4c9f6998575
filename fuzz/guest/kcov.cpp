// KCOV setup and per-call trace access (Documentation/dev-tools/kcov.rst).
#include "fuzz/guest/kcov.h"

#include <fcntl.h>
#include <linux/kcov.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>

namespace mh::fuzz {

Kcov::~Kcov() {
    if (area_) {
        ::ioctl(fd_, KCOV_DISABLE, 0);
        ::munmap(area_, words_ * sizeof(uint64_t));
    }
    if (fd_ >= 0) ::close(fd_);
}

bool Kcov::open(uint64_t words) {
    fd_ = ::open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);
    if (fd_ < 0) return false;
    if (::ioctl(fd_, KCOV_INIT_TRACE, words) != 0) return false;
    void* p = ::mmap(nullptr, words * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) return false;
    if (::ioctl(fd_, KCOV_ENABLE, KCOV_TRACE_PC) != 0) {
        ::munmap(p, words * sizeof(uint64_t));
        return false;
    }
    area_ = static_cast<uint64_t*>(p);
    words_ = words;
    return true;
}

void Kcov::reset() {
    if (area_) std::atomic_ref<uint64_t>(area_[0]).store(0, std::memory_order_relaxed);
}

std::span<const uint64_t> Kcov::pcs() const {
    if (!area_) return {};
    uint64_t n = std::atomic_ref<uint64_t>(area_[0]).load(std::memory_order_relaxed);
    if (n > words_ - 1) n = words_ - 1;
    return {area_ + 1, n};
}

}  // namespace mh::fuzz
