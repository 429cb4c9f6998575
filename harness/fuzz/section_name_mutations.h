// Section-name mutation from a dictionary: one section renamed to a name the loader looks up
// (find_module_sections, the arch hooks, kallsyms, signature-free special sections). Each name
// switches on a branch that only a section of that exact name reaches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/elf/malform/families.h"

namespace mh::fuzz {

// Renames a random named section to a dictionary name; returns the dictionary id for the
// history, or kNoSectionNameMutation when the image cannot be rebuilt by the ELF model.
uint16_t mutate_section_name(std::vector<uint8_t>& image, elf::malform::Rng& rng);

// ".init_array" for an id returned above.
std::string section_name_mutation_name(uint16_t id);

inline constexpr uint16_t kNoSectionNameMutation = 0xffff;

}  // namespace mh::fuzz
