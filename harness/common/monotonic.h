// CLOCK_MONOTONIC readings for durations (call times, engine statistics); one definition for the
// executor and the guest fuzzers.
#pragma once

#include <ctime>

#include <cstdint>

namespace mh {

inline uint64_t monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline double monotonic_seconds() { return static_cast<double>(monotonic_ns()) / 1e9; }

}  // namespace mh
