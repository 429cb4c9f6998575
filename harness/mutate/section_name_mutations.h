// Section-name mutation from a dictionary: one section renamed to a name the loader looks up
// (find_module_sections, the arch hooks, kallsyms, signature-free special sections), or an empty
// allocated section of that name appended (the image keeps working, the name's branch runs).
// Each name switches on a branch that only a section of that exact name reaches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/elf/malform/families.h"

namespace mh::mutate {

// Renames a random named section to a dictionary name or appends one; returns the id for the
// history, or kNoSectionNameMutation when the image cannot be rebuilt by the ELF model.
uint16_t mutate_section_name(std::vector<uint8_t>& image, elf::malform::Rng& rng);

// Ids [0, n/2) rename a random section to name id; [n/2, n) append an empty SHF_ALLOC|SHF_WRITE
// PROGBITS section named id - n/2. False when the image cannot be rebuilt.
bool apply_section_name(std::vector<uint8_t>& image, uint16_t id, uint64_t seed);
size_t section_name_dictionary_size();

// ".init_array" (renamed) or "+.init_array" (appended) for an id returned above.
std::string section_name_mutation_name(uint16_t id);

inline constexpr uint16_t kNoSectionNameMutation = 0xffff;

}  // namespace mh::mutate
