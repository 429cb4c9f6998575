// FNV-1a/64 over a sequence of strings: the cache keys of seed builds and the fuzz kernel.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace mh {

struct Fnv {
    std::uint64_t h = 0xcbf29ce484222325ull;
    void add(std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 0x100000001b3ull;
        }
        // Length-delimited, so ("ab","c") and ("a","bc") differ.
        for (int i = 0; i < 8; ++i) {
            h ^= (s.size() >> (8 * i)) & 0xff;
            h *= 0x100000001b3ull;
        }
    }
    std::string hex() const {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return buf;
    }
};

}  // namespace mh
