// Checked read-only view of an ELF64 x86-64 relocatable module over arbitrary (untrusted) bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/elf/elf64.h"

namespace mh::elf {

// So callers can spell the result types either way (mh::Expected or mh::elf::Expected).
using ::mh::Error;
using ::mh::Expected;
using ::mh::Status;

struct ReadOptions {
    // Refuse anything but e_machine == EM_X86_64 and e_type == ET_REL. Tools that show malformed
    // modules (inspect, malformation tests) turn this off to see the rest of the file.
    bool require_x86_64_rel = true;
};

struct Symbol {
    Sym raw;
    std::string_view name;  // empty when the name could not be resolved (see name_error)
    std::string name_error;
};

// The parsed section header table plus lazy, checked accessors for everything inside the sections.
// The view does not own the bytes: keep the image alive while the view is used.
class ElfView {
public:
    // Checks: size >= 64, magic, ELFCLASS64, ELFDATA2LSB, e_shentsize == 64 (when e_shnum > 0),
    // section header table inside the image; with require_x86_64_rel also machine and type.
    static Expected<ElfView> parse(std::span<const uint8_t> image, ReadOptions options = {});

    std::span<const uint8_t> image() const { return image_; }
    const Ehdr& header() const { return ehdr_; }
    size_t section_count() const { return shdrs_.size(); }
    const Shdr& section(size_t index) const { return shdrs_.at(index); }
    const std::vector<Shdr>& sections() const { return shdrs_; }

    // Section name from .shstrtab (e_shstrndx): error when the string table or sh_name is bad.
    Expected<std::string_view> section_name(size_t index) const;
    // Section contents: error when a non-NOBITS section lies outside the image; NOBITS → empty span.
    Expected<std::span<const uint8_t>> section_data(size_t index) const;
    // First / all sections with this name (sections whose name cannot be resolved never match).
    std::optional<size_t> find_section(std::string_view name) const;
    std::vector<size_t> find_sections(std::string_view name) const;
    // Sections of a type, in index order.
    std::vector<size_t> sections_of_type(uint32_t type) const;

    // The (first) SHT_SYMTAB section and its string table (sh_link), checked.
    Expected<size_t> symtab_index() const;
    Expected<std::vector<Symbol>> symbols() const;
    // Relocations of one SHT_RELA section (sh_size must be a multiple of 24).
    Expected<std::vector<Rela>> relocations(size_t rela_section) const;

private:
    std::span<const uint8_t> image_;
    Ehdr ehdr_;
    std::vector<Shdr> shdrs_;
};

// One `key=value` string of .modinfo (value empty when there is no '=').
struct ModinfoEntry {
    std::string_view key, value;
    uint64_t offset = 0;  // offset of the entry inside the section
    bool has_equals = true;
    bool terminated = true;  // false for a last entry not ended by NUL (the kernel never checks)
};
Expected<std::vector<ModinfoEntry>> read_modinfo(const ElfView& view);
// Value of the first entry with this key (what the kernel's get_modinfo returns).
std::optional<std::string_view> modinfo_value(const std::vector<ModinfoEntry>& entries, std::string_view key);

// One struct modversion_info (64-bit: 8-byte crc + 56-byte name).
inline constexpr size_t kModversionSize = 64, kModversionNameLen = 56;
struct VersionEntry {
    uint64_t crc = 0;
    std::string name;  // up to the first NUL or 56 bytes
    bool terminated = true;  // false: the 56-byte name has no NUL (never checked by the kernel)
};
struct VersionsInfo {
    size_t section = 0;
    std::vector<VersionEntry> entries;
    uint64_t trailing_bytes = 0;  // sh_size % 64: ignored by the kernel (it divides)
};
// Error when __versions is absent or out of bounds.
Expected<VersionsInfo> read_versions(const ElfView& view);

// x86-64 struct module: `enum module_state state` (4) + pad (4) + `struct list_head list` (16) → name[56].
inline constexpr size_t kThisModuleNameOffset = 24, kThisModuleNameLen = 56;
struct ThisModuleInfo {
    size_t section = 0;
    uint64_t size = 0;  // sizeof(struct module) for the kernel this was built for
    std::string name;
    bool name_terminated = true;
};
Expected<ThisModuleInfo> read_this_module(const ElfView& view);

// The module name the kernel uses for uniqueness and delete_module(2): name[] of
// .gnu.linkonce.this_module. Accepts plain, signed and xz/gzip/zstd-compressed images.
Expected<std::string> module_name(std::span<const uint8_t> image);

}  // namespace mh::elf
