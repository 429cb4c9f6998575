// Seeded choice of a catalogue row for fuzzers, with a generic fallback so a mutation always happens.
#include "harness/elf/malform/families.h"
#include "harness/elf/malform/malformation.h"

namespace mh::elf {

namespace {

bool allowed(const Malformation& m, const MutateOptions& o) {
    if (m.needs_signed_input) return false;
    if (m.compressed()) return o.wrappers;
    if (m.has_tag("generic")) return o.generic;
    if (m.has_tag("signature") || m.has_tag("truncation") || m.has_tag("junk")) return o.trailers;
    return o.structural;
}

}  // namespace

Expected<Bytes> mutate(std::span<const uint8_t> image, uint64_t seed, MutateOptions options) {
    std::vector<const Malformation*> pool;
    for (const auto& m : malformation_catalogue())
        if (allowed(m, options)) pool.push_back(&m);
    if (pool.empty()) return make_error("mutate: the options exclude every malformation");
    malform::Rng rng(seed);
    // A few tries: structural rows refuse images that lack what they target.
    for (int attempt = 0; attempt < 4; ++attempt) {
        const Malformation* m = pool[rng.below(pool.size())];
        auto r = m->apply(image, rng.next());
        if (r.ok()) return r;
    }
    if (image.empty()) return Bytes{static_cast<uint8_t>(rng.next())};
    return find_malformation("gen-byte-random")->apply(image, rng.next());
}

}  // namespace mh::elf
