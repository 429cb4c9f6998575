// Generic byte-level mutators for fuzzers: structure-blind edits, all deterministic by seed.
#include <algorithm>

#include "harness/elf/malform/rows.h"

namespace mh::elf::malform {

namespace {

constexpr uint64_t kInteresting[] = {0,
                                     1,
                                     0x7f,
                                     0x80,
                                     0xff,
                                     0x100,
                                     0x7fff,
                                     0x8000,
                                     0xffff,
                                     0x7fffffff,
                                     0x80000000,
                                     0xffffffff,
                                     0x7fffffffffffffffull,
                                     0x8000000000000000ull,
                                     ~0ull,
                                     64,
                                     24,
                                     0x1000};

Expected<Bytes> need(std::span<const uint8_t> image, size_t min) {
    if (image.size() < min) return make_error("image too small (" + std::to_string(image.size()) + " bytes)");
    return Bytes(image.begin(), image.end());
}

}  // namespace

ApplyFn bit_flip() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 1));
        Rng rng(seed);
        out[rng.below(out.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
        return out;
    };
}

ApplyFn byte_random() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 1));
        Rng rng(seed);
        size_t at = rng.below(out.size());
        out[at] = static_cast<uint8_t>(out[at] ^ (1 + rng.below(255)));
        return out;
    };
}

ApplyFn byte_interesting() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 1));
        Rng rng(seed);
        size_t at = rng.below(out.size());
        static constexpr uint8_t vals[] = {0, 1, 0x7f, 0x80, 0xff};
        uint8_t v = vals[rng.below(5)];
        out[at] = v != out[at] ? v : static_cast<uint8_t>(~v);
        return out;
    };
}

ApplyFn word_interesting(size_t width) {
    return [width](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, width));
        Rng rng(seed);
        size_t at = rng.below(out.size() / width) * width;  // aligned: ELF fields are
        uint64_t old = get_le(out, at, width);
        uint64_t v = kInteresting[rng.below(std::size(kInteresting))];
        if (width < 8) v &= (1ull << (8 * width)) - 1;
        if (v == old) v = ~old & (width < 8 ? (1ull << (8 * width)) - 1 : ~0ull);
        put_le(out, at, v, width);
        return out;
    };
}

ApplyFn bytes_insert() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 0));
        Rng rng(seed);
        size_t at = rng.below(out.size() + 1), n = 1 + rng.below(16);
        Bytes ins(n);
        for (auto& b : ins) b = static_cast<uint8_t>(rng.next());
        out.insert(out.begin() + static_cast<long>(at), ins.begin(), ins.end());
        return out;
    };
}

ApplyFn bytes_delete() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 2));
        Rng rng(seed);
        size_t at = rng.below(out.size() - 1), n = 1 + rng.below(std::min<size_t>(16, out.size() - at - 1));
        out.erase(out.begin() + static_cast<long>(at), out.begin() + static_cast<long>(at + n));
        return out;
    };
}

ApplyFn chunk_duplicate() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 2));
        Rng rng(seed);
        size_t from = rng.below(out.size()), n = 1 + rng.below(std::min<size_t>(64, out.size() - from));
        size_t to = rng.below(out.size() + 1);
        Bytes chunk(out.begin() + static_cast<long>(from), out.begin() + static_cast<long>(from + n));
        out.insert(out.begin() + static_cast<long>(to), chunk.begin(), chunk.end());
        return out;
    };
}

ApplyFn chunk_swap() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 16));
        Rng rng(seed);
        for (int attempt = 0; attempt < 16; ++attempt) {
            size_t n = 1 + rng.below(std::min<size_t>(32, out.size() / 2));
            size_t a = rng.below(out.size() - n + 1), b = rng.below(out.size() - n + 1);
            if (a + n > b && b + n > a) continue;  // overlapping
            if (std::equal(out.begin() + static_cast<long>(a), out.begin() + static_cast<long>(a + n), out.begin() + static_cast<long>(b)))
                continue;
            std::swap_ranges(out.begin() + static_cast<long>(a), out.begin() + static_cast<long>(a + n),
                             out.begin() + static_cast<long>(b));
            return out;
        }
        return make_error("found no two different chunks to swap");
    };
}

ApplyFn havoc() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(out, need(image, 16));
        Rng rng(seed);
        ApplyFn steps[] = {bit_flip(),          byte_random(),  byte_interesting(), word_interesting(4),
                           word_interesting(8), bytes_insert(), bytes_delete(),     chunk_duplicate()};
        size_t rounds = 2 + rng.below(6);
        Bytes orig = out;
        for (size_t i = 0; i < rounds; ++i) {
            auto r = steps[rng.below(std::size(steps))](out, rng.next());
            if (r.ok() && r->size() >= 16) out = std::move(r).value();
        }
        if (out == orig) out[rng.below(out.size())] ^= 0x80;
        return out;
    };
}

ApplyFn region_bit_flip(bool section_table) {
    return [section_table](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(v, lenient_view(image));
        Rng rng(seed);
        uint64_t lo = 0, n = 0;
        if (section_table) {
            lo = v.header().shoff;
            n = v.section_count() * kShdrSize;
        } else {
            MH_TRY_ASSIGN(idx, progbits_sel()(v, rng));
            MH_TRY_ASSIGN(d, v.section_data(idx));
            lo = static_cast<uint64_t>(d.data() - image.data());
            n = d.size();
        }
        if (n == 0) return make_error("region is empty");
        Bytes out(image.begin(), image.end());
        out[lo + rng.below(n)] ^= static_cast<uint8_t>(1u << rng.below(8));
        return out;
    };
}

VerifyFn verify_same_size_changed() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        if (before.size() != after.size()) return make_error("size changed");
        if (std::equal(before.begin(), before.end(), after.begin())) return make_error("nothing changed");
        return ok_status();
    };
}

VerifyFn verify_size_changed() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        if (before.size() == after.size()) return make_error("size unchanged");
        return ok_status();
    };
}

VerifyFn verify_one_bit() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        if (before.size() != after.size()) return make_error("size changed");
        int bits = 0;
        for (size_t i = 0; i < before.size(); ++i) bits += __builtin_popcount(before[i] ^ after[i]);
        if (bits != 1) return make_error(std::to_string(bits) + " bits differ, expected 1");
        return ok_status();
    };
}

}  // namespace mh::elf::malform
