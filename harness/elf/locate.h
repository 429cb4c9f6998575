// Where a byte of a module image falls in the ELF model: the ELF header field, a section header
// field, a symbol or relocation field, a section's contents, or nothing. Used to describe a
// difference between two images in the model's words ("section 12 `.symtab` sh_link 40 -> 3").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "harness/elf/reader.h"

namespace mh::elf {

struct Location {
    enum class Kind { kEhdr, kShdr, kSym, kRela, kSectionData, kNone };
    Kind kind = Kind::kNone;
    size_t section = 0;  // kShdr: whose header; kSym/kRela/kSectionData: the section holding the byte
    std::string section_name;  // "" when it cannot be resolved
    size_t entry = 0;  // kSym/kRela: index of the entry in its section
    std::string field;  // kEhdr/kShdr/kSym/kRela: the field name ("sh_link"); "" for e_ident/padding
    size_t start = 0, width = 1;  // the byte range of the field (or of the one byte, for data)
    size_t within = 0;  // kSectionData: the byte's offset inside its section
    std::string symbol_name;  // kSym: the symbol's name when it resolves
};

// The location of `offset` in `view`'s image (the first match: headers before section contents).
Location locate(const ElfView& view, size_t offset);

// "section 12 `.symtab` header sh_link", "ELF header e_shoff", "symbol 5 `init_module` st_shndx",
// "relocation 3 of section 7 `.rela.text` r_info.type", "section 5 `.text` +0x40", "bytes outside
// any section".
std::string describe(const Location& at);

// The offset of the same place in another build of the module: the same ELF header field; the
// same field of the section header, relocation entry or contents offset of the section with the
// same name (else the same index); the same field of the symbol with the same name (else the
// same index). nullopt when the other image has no such place.
std::optional<size_t> find_same(const ElfView& other, const Location& at);

// The little-endian value of a field range in `image` (nullopt past its end or wider than 8).
std::optional<uint64_t> field_value(std::span<const uint8_t> image, size_t start, size_t width);

}  // namespace mh::elf
