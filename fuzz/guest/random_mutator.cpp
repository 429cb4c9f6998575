// Baseline (d): every input is a fresh random ET_EXEC/ET_DYN-style image, as a syscall fuzzer
// with an executable template would produce: a plausible ELF header, random everything else.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "harness/elf/malform/families.h"

namespace {

size_t random_image(uint8_t* data, size_t max_size, uint64_t seed) {
    mh::elf::malform::Rng rng(seed);
    size_t n = 64 + rng.below(4096);
    if (n > max_size) n = max_size;
    for (size_t i = 0; i < n; i += 8) {  // 8 random bytes per draw (a draw per byte cost ~30 us an image under TCG)
        const uint64_t r = rng.next();
        std::memcpy(data + i, &r, std::min<size_t>(8, n - i));
    }
    if (n < 64) return n;
    static const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    std::memcpy(data, ident, sizeof ident);
    data[16] = rng.below(2) ? 2 : 3;  // e_type: ET_EXEC or ET_DYN
    data[17] = 0;
    data[18] = 62;  // e_machine: EM_X86_64
    data[19] = 0;
    return n;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t, size_t max_size, unsigned int seed) {
    return random_image(data, max_size, (static_cast<uint64_t>(seed) << 32) | seed);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t*, size_t, const uint8_t*, size_t, uint8_t* out, size_t max_out,
                                            unsigned int seed) {
    return random_image(out, max_out, seed * 0x9e3779b97f4a7c15ull);
}
