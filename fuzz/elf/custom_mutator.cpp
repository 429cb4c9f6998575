// libFuzzer custom mutator: half the time a catalogue malformation (structure-aware), else libFuzzer's own.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "harness/elf/malform/malformation.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
    if (seed & 1) return LLVMFuzzerMutate(data, size, max_size);
    mh::elf::MutateOptions options;
    options.wrappers = (seed & 0x1e) == 0;  // now and then a compressed stream, for the decompressors
    auto out = mh::elf::mutate(std::span<const uint8_t>(data, size), seed, options);
    if (!out || out->size() > max_size || out->empty()) return LLVMFuzzerMutate(data, size, max_size);
    std::memcpy(data, out->data(), out->size());
    return out->size();
}
