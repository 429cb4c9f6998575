// FNV-1a: tiny, stable across platforms and releases, and fast enough for images of a few MB.
#include "harness/session/input_hash.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace mh::session {

std::string canonical_case_line(const KvRecord& line) {
    auto items = line.items();
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    KvRecord sorted;
    for (auto& [k, v] : items) sorted.set(k, v);
    return kv_format(sorted);
}

namespace {

struct Fnv1a64 {
    std::uint64_t h = 0xcbf29ce484222325ull;
    void mix(std::string_view bytes) {
        for (unsigned char c : bytes) {
            h ^= c;
            h *= 0x100000001b3ull;
        }
    }
    std::string text() const {
        char out[32];
        std::snprintf(out, sizeof out, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
        return out;
    }
};

}  // namespace

std::string input_hash(std::string_view canonical, std::string_view image_bytes) {
    Fnv1a64 f;
    f.mix(canonical);
    f.mix("\n");
    f.mix(image_bytes);
    return f.text();
}

std::string image_hash(std::string_view image_bytes) {
    Fnv1a64 f;
    f.mix(image_bytes);
    return f.text();
}

}  // namespace mh::session
