// Overflow-checked arithmetic for offsets and sizes taken from untrusted bytes.
#pragma once

#include <cstdint>
#include <optional>

namespace mh {

// a + b, or nullopt on unsigned overflow.
inline std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
    return r;
}

// a * b, or nullopt on unsigned overflow.
inline std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

// True when [offset, offset+size) lies inside a buffer of `total` bytes, without overflow.
inline bool range_within(uint64_t offset, uint64_t size, uint64_t total) {
    auto end = checked_add(offset, size);
    return end && *end <= total;
}

}  // namespace mh
