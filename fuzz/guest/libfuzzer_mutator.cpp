// libFuzzer custom mutator and crossover over the one mutator core (harness/mutate/mutator.h);
// libFuzzer's own byte mutation stays available to the core as its byte-level step.
#include <time.h>

#include <cstdlib>
#include <cstring>

#include "harness/protocol/shared_state.h"

#include "harness/mutate/mutator.h"
#include "harness/common/monotonic.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

const mh::mutate::Mutator& core() {
    // MH_FUZZ_WEIGHTS (from modharness fuzz --weights) shifts the mix, e.g. towards call mutations.
    static const mh::mutate::Mutator m(
        [] {
            const char* w = std::getenv("MH_FUZZ_WEIGHTS");
            auto parsed = mh::mutate::parse_weights(w ? w : "");
            return parsed ? *parsed : mh::mutate::MutatorWeights{};
        }(),
        [](uint8_t* d, size_t s, size_t max) { return LLVMFuzzerMutate(d, s, max); });
    return m;
}

// Time spent mutating, reported with the other engine statistics.
struct MutatorClock {
    uint64_t t0 = mh::monotonic_ns();
    ~MutatorClock() {
        static mh::protocol::SharedState* st = mh::protocol::map_shared_state(false);
        if (st) st->mutator_ns.fetch_add(mh::monotonic_ns() - t0, std::memory_order_relaxed);
    }
};

uint64_t widen(unsigned seed) { return (static_cast<uint64_t>(seed) << 32) ^ (seed * 0x9e3779b97f4a7c15ull); }

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
    MutatorClock clock;
    const auto out = core().mutate({data, size}, max_size, widen(seed));
    std::memcpy(data, out.data(), out.size());
    return out.size();
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* d1, size_t s1, const uint8_t* d2, size_t s2, uint8_t* out, size_t max_out,
                                            unsigned int seed) {
    MutatorClock clock;
    const auto c = core().crossover({d1, s1}, {d2, s2}, max_out, widen(seed));
    std::memcpy(out, c.data(), c.size());
    return c.size();
}
