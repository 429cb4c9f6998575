// Declarative, mutable module spec: raw header fields + section contents; the serialiser never fails.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/elf/elf64.h"
#include "harness/elf/reader.h"

namespace mh::elf {

// One section: its header is written verbatim (any value, valid or not); `data` is placed at
// hdr.offset. `name` is what auto_layout() writes into .shstrtab (parse fills it when resolvable).
struct SectionSpec {
    std::string name;
    Shdr hdr;
    std::vector<uint8_t> data;
};

// Bytes owned by no header or section (non-zero padding, a signature trailer, junk).
struct Blob {
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
};

// The whole file. Every field is an override: emit() writes exactly what is here, so invalid
// files are expressed by setting fields (e_ident bytes, e_shnum ≠ sections.size(), sh_offset past
// the end, ...). auto_layout() derives consistent values when building a valid module.
struct ModuleSpec {
    Ehdr ehdr;
    std::vector<SectionSpec> sections;  // written as the table at ehdr.shoff, one entry each
    std::vector<Blob> blobs;
    uint64_t min_size = 0;  // output is zero-padded up to this size
};

// Anything placed beyond this offset is skipped (the header still says where it would be), so a
// huge sh_offset or e_shoff never makes the serialiser fail or allocate without bound. Debian's
// largest modules are tens of MiB uncompressed.
inline constexpr uint64_t kMaxEmitSize = 256ull << 20;

// Serialises: blobs, then section data, then the section header table, then the ELF header
// (later writes win where they overlap). Never fails.
std::vector<uint8_t> emit(const ModuleSpec& spec);

// Parses any ELF64 LSB image (machine/type not required) into a spec such that
// emit(spec_from_image(x)) == x byte for byte.
Expected<ModuleSpec> spec_from_image(std::span<const uint8_t> image);

// A fresh ET_REL / EM_X86_64 header with e_ident filled in; shoff/shnum/shstrndx left for auto_layout.
Ehdr default_ehdr();

// Derives a consistent layout: .shstrtab contents and sh_name from names, sh_offset of each
// section (aligned, in index order), sh_size of non-NOBITS sections from data, e_shoff, e_shnum,
// e_shstrndx (the section named ".shstrtab"), e_ehsize, e_shentsize. Blobs are dropped.
void auto_layout(ModuleSpec& spec);

// --- Edits that keep every other byte of the file where it was (used by malformations). ---

// End of everything emit() would place (header, sections, table, blobs).
uint64_t content_end(const ModuleSpec& spec);
// Moves the section header table to the (8-aligned) end of the file.
void move_section_table_to_end(ModuleSpec& spec);
// Moves one section's data to the end of the file (its old bytes become zeros) and the table after it.
void move_section_to_end(ModuleSpec& spec, size_t index);
// Appends a name to .shstrtab (moving .shstrtab to the end) and returns its sh_name.
// Falls back to 0 when there is no usable .shstrtab.
uint32_t add_section_name(ModuleSpec& spec, std::string_view name);
// Appends a new section (data at the end, table moved after it, e_shnum incremented); returns its index.
size_t append_section(ModuleSpec& spec, std::string_view name, Shdr hdr, std::vector<uint8_t> data);
// Replaces a section's contents: in place when it fits (sh_size updated, the freed tail zeroed),
// else moved to the end.
void set_section_data(ModuleSpec& spec, size_t index, std::vector<uint8_t> data);
// Index of the first section whose spec name matches, or -1.
long find_spec_section(const ModuleSpec& spec, std::string_view name);

}  // namespace mh::elf
