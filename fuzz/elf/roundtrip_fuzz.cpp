// libFuzzer target: every image the spec parser accepts must serialise back byte for byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "harness/elf/malform/malformation.h"
#include "harness/elf/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh::elf;
    std::span<const uint8_t> in(data, size);
    auto spec = spec_from_image(in);
    if (!spec) return 0;
    auto out = emit(*spec);
    if (out.size() != size || !std::equal(out.begin(), out.end(), in.begin())) {
        std::fprintf(stderr, "round trip mismatch: %zu bytes in, %zu bytes out\n", size, out.size());
        std::abort();
    }
    // The mutators must also cope with whatever the fuzzer found (deterministically, no crash).
    if (size < (1u << 16)) (void)mutate(in, size);
    return 0;
}
