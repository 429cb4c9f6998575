// Minimal checked look at a built .ko: its sections and .modinfo strings (to verify seed builds).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::kernels {

struct KoSection {
    std::uint32_t type = 0;  // SHT_*
    std::uint64_t flags = 0;
    std::uint64_t size = 0;
};

struct KoFacts {
    std::uint16_t e_type = 0;                     // ET_REL for a module
    std::map<std::string, KoSection> sections;    // by name (last one wins on duplicates)
    std::vector<std::string> modinfo;             // "license=GPL", "vermagic=6.1.0-56-cloud-amd64 SMP ..."

    // The value of the first "key=..." modinfo entry, or "".
    std::string modinfo_value(std::string_view key) const;
};

// Parses an x86-64 ELF relocatable from bytes, bounds-checked; errors name the field.
Expected<KoFacts> parse_ko(std::string_view bytes);
Expected<KoFacts> read_ko(const std::filesystem::path& path);

}  // namespace mh::kernels
