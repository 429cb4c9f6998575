// Field-level mutation of ELF64 module images: one header, section-header, symbol or relocation
// field set to a value a loader check is likely to care about. Works on raw bytes (no parse that
// could refuse the image), so it applies to already-broken inputs too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/elf/malform/families.h"

namespace mh::mutate {

// Applies one field mutation chosen by `rng`; returns its id (for the history), or nullopt-like
// 0xffff when the image has no field to mutate (too short).
uint16_t mutate_field(std::vector<uint8_t>& image, elf::malform::Rng& rng);

// "shdr.sh_size=all-ones" for an id returned above.
std::string field_mutation_name(uint16_t id);

inline constexpr uint16_t kNoFieldMutation = 0xffff;

}  // namespace mh::mutate
