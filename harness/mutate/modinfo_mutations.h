// Modinfo mutation from a dictionary: one .modinfo key set to a value the loader reads (license
// strings it compares, intree/staging/test/livepatch/retpoline flags, version and srcversion for
// the sysfs attributes, import_ns, name: the blacklisted one and the three the loader taints by
// name). Byte mutation almost never spells these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/elf/malform/families.h"

namespace mh::mutate {

// Sets one dictionary entry (added when the key is missing) and returns its id for the history,
// or kNoModinfoMutation when the image has no .modinfo the ELF model can rebuild.
uint16_t mutate_modinfo(std::vector<uint8_t>& image, elf::malform::Rng& rng);

// Sets dictionary entry `id` (name= sets struct module's name too); false when it cannot.
bool apply_modinfo_entry(std::vector<uint8_t>& image, uint16_t id, uint64_t seed);
size_t modinfo_dictionary_size();

// "license=GPL v2" for an id returned above.
std::string modinfo_mutation_name(uint16_t id);

inline constexpr uint16_t kNoModinfoMutation = 0xffff;

}  // namespace mh::mutate
