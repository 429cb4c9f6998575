// The one mutator core behind every engine adapter (libFuzzer custom mutator, AFL++ custom mutator,
// host tests): catalogue malformations, field-level and byte-level mutation of the image, mutation
// of the call (syscall, fd kind, flags, params) and crossover. Each step is recorded in the input.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "harness/common/expected.h"
#include "harness/mutate/fuzz_input.h"

namespace mh::mutate {

// The engine's own byte mutation (LLVMFuzzerMutate), applied in place to the image part:
// returns the new size (<= max_size). Empty: our simple byte mutations are used instead.
using EngineByteMutator = std::function<size_t(uint8_t* data, size_t size, size_t max_size)>;

struct MutatorWeights {
    unsigned catalogue = 30;
    unsigned field = 30;
    unsigned bytes = 25;
    unsigned call = 15;
};

// "catalogue=30,field=30,bytes=25,call=15" (any subset; the others keep their defaults). Error
// names the bad item. Used for MH_FUZZ_WEIGHTS in the guest and --weights on the command line.
Expected<MutatorWeights> parse_weights(const std::string& text);

class Mutator {
public:
    explicit Mutator(MutatorWeights weights = {}, EngineByteMutator engine = {});

    // Decodes `encoded`, applies 1-3 steps, re-encodes; the result fits in `max_size`.
    Bytes mutate(std::span<const uint8_t> encoded, size_t max_size, uint64_t seed) const;
    // Combines two inputs (call of one with image of the other, image splices, chunk transplants).
    Bytes crossover(std::span<const uint8_t> a, std::span<const uint8_t> b, size_t max_size, uint64_t seed) const;

    // One step of each kind on a decoded input (exposed for tests and the minimiser).
    bool catalogue_step(FuzzInput& in, uint64_t seed) const;
    bool field_step(FuzzInput& in, uint64_t seed) const;
    bool bytes_step(FuzzInput& in, size_t max_image, uint64_t seed) const;
    bool call_step(FuzzInput& in, uint64_t seed) const;

private:
    MutatorWeights weights_;
    EngineByteMutator engine_;
};

// Applies catalogue row `row` to the image (a compressed row makes the call finit_module with
// MODULE_INIT_COMPRESSED_FILE) and records the step; false when the row does not apply.
bool apply_catalogue_row(FuzzInput& in, uint16_t row, uint64_t seed);

}  // namespace mh::mutate
