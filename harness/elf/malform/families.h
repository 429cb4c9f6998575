// Building blocks for catalogue rows: seeded RNG, section selectors, and row factories by family.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/elf/malform/malformation.h"
#include "harness/elf/reader.h"
#include "harness/elf/spec.h"

namespace mh::elf::malform {

// splitmix64: tiny, seedable, identical everywhere (no std:: distribution differences).
class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed ^ 0x9e3779b97f4a7c15ull) {}
    uint64_t next();
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }

private:
    uint64_t s_;
};

// The image the structural rows work on: without a signature trailer.
std::span<const uint8_t> payload(std::span<const uint8_t> image);
Expected<ElfView> lenient_view(std::span<const uint8_t> image);
uint64_t get_le(std::span<const uint8_t> b, uint64_t off, size_t width);
void put_le(Bytes& b, uint64_t off, uint64_t value, size_t width);
uint64_t shdr_pos(const ElfView& v, size_t index, size_t field);
// Ok when sizes are equal, at least one byte differs, and every differing byte lies in one of the ranges.
Status changed_only_within(std::span<const uint8_t> before, std::span<const uint8_t> after,
                           const std::vector<std::pair<uint64_t, uint64_t>>& ranges);

// Chooses a section of the (lenient) view; error when the image has no fitting section.
using Selector = std::function<Expected<size_t>(const ElfView&, Rng&)>;
Selector named(std::string_view name);
Selector symtab_sel();
Selector strtab_sel();  // symtab's sh_link
Selector shstrtab_sel();  // e_shstrndx
Selector progbits_sel();  // a random non-empty PROGBITS section
Selector alloc_sel();  // a random SHF_ALLOC, non-NOBITS section
Selector nonalloc_sel();  // a non-ALLOC section that is not the symtab/strtab/shstrtab/RELA (e.g. .comment)
Selector nobits_sel();  // a SHT_NOBITS section
Selector exec_sel();  // a random SHF_EXECINSTR section
// A random non-empty RELA section that applies to an ALLOC section (and, with type_ok, holds at
// least one relocation of an accepted type).
using RelaTypeFilter = std::function<bool(uint32_t type)>;
Selector rela_sel(RelaTypeFilter type_ok = {});

struct FieldCtx {
    std::span<const uint8_t> image;  // payload
    const ElfView& view;
    size_t index;  // selected section (0 for header rows)
    uint64_t old;  // current field value
};
using ValueFn = std::function<uint64_t(Rng&, const FieldCtx&)>;
struct FieldSet {
    size_t field;  // byte offset in the Ehdr or in one Shdr entry
    size_t width;  // 1, 2, 4 or 8
    ValueFn value;
};
ValueFn fixed(uint64_t v);

using Tags = std::vector<std::string_view>;
// ELF header fields set to new values; verify: only those bytes changed.
Malformation ehdr_fields(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, std::vector<FieldSet> sets);
// Fields of one selected section header; verify: only those bytes of that entry changed.
Malformation shdr_fields(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, Selector sel,
                         std::vector<FieldSet> sets);
// In-place edit of a selected section's bytes; verify: only bytes inside that section changed.
using EditFn = std::function<Status(Rng&, const ElfView&, size_t index, std::span<uint8_t> data)>;
Malformation section_edit(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, Selector sel, EditFn edit);
// Anything else: explicit apply and verify.
Malformation custom(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, ApplyFn apply, VerifyFn verify);

}  // namespace mh::elf::malform
