// Field table and value strategies for field-level ELF mutation (see field_mutations.h).
#include "harness/mutate/field_mutations.h"

#include <array>
#include <span>
#include <string_view>

#include "harness/elf/elf64.h"

namespace mh::mutate {

namespace {

enum class Table : uint8_t { ehdr, shdr, sym, rela };

struct Field {
    Table table;
    std::string_view name;
    uint8_t offset;
    uint8_t width;
};

// The field's place and width from elf64.h's record tables (width 0: no such field there).
constexpr Field field(Table table, std::string_view name) {
    const std::span<const elf::FieldLayout> rows = table == Table::ehdr   ? std::span<const elf::FieldLayout>(elf::kEhdrFields)
                                                   : table == Table::shdr ? std::span<const elf::FieldLayout>(elf::kShdrFields)
                                                   : table == Table::sym  ? std::span<const elf::FieldLayout>(elf::kSymFields)
                                                                          : std::span<const elf::FieldLayout>(elf::kRelaFields);
    for (const elf::FieldLayout& r : rows)
        if (r.name == name) return {table, r.name, r.offset, r.width};
    return {table, name, 0, 0};
}

// The fields mutated, by name. The order is fixed: a mutation's id is its index here (see
// field_mutation_name), and ids are stored in corpus histories.
constexpr std::array<Field, 37> kFields{{
    field(Table::ehdr, "ei_class"),    field(Table::ehdr, "ei_data"),      field(Table::ehdr, "ei_version"),
    field(Table::ehdr, "ei_osabi"),    field(Table::ehdr, "e_type"),       field(Table::ehdr, "e_machine"),
    field(Table::ehdr, "e_version"),   field(Table::ehdr, "e_entry"),      field(Table::ehdr, "e_phoff"),
    field(Table::ehdr, "e_shoff"),     field(Table::ehdr, "e_flags"),      field(Table::ehdr, "e_ehsize"),
    field(Table::ehdr, "e_phentsize"), field(Table::ehdr, "e_phnum"),      field(Table::ehdr, "e_shentsize"),
    field(Table::ehdr, "e_shnum"),     field(Table::ehdr, "e_shstrndx"),   field(Table::shdr, "sh_name"),
    field(Table::shdr, "sh_type"),     field(Table::shdr, "sh_flags"),     field(Table::shdr, "sh_addr"),
    field(Table::shdr, "sh_offset"),   field(Table::shdr, "sh_size"),      field(Table::shdr, "sh_link"),
    field(Table::shdr, "sh_info"),     field(Table::shdr, "sh_addralign"), field(Table::shdr, "sh_entsize"),
    field(Table::sym, "st_name"),      field(Table::sym, "st_info"),       field(Table::sym, "st_other"),
    field(Table::sym, "st_shndx"),     field(Table::sym, "st_value"),      field(Table::sym, "st_size"),
    field(Table::rela, "r_offset"),    field(Table::rela, "r_info.sym"),   field(Table::rela, "r_info.type"),
    field(Table::rela, "r_addend"),
}};
constexpr bool all_fields_known() {
    for (const Field& f : kFields)
        if (f.width == 0) return false;
    return true;
}
static_assert(all_fields_known(), "a mutated field is not in elf64.h's record tables");

enum Strategy : uint8_t {
    zero,
    one,
    all_ones,
    plus_one,
    minus_one,
    bit_flip,
    random_value,
    small,
    file_size,
    times_two,
    high_bit,
    sign_edge,
    n_strategies
};
constexpr std::array<std::string_view, n_strategies> kStrategyNames{"zero",   "one",   "all-ones",  "plus-one",  "minus-one", "bit-flip",
                                                                    "random", "small", "file-size", "times-two", "high-bit",  "sign-edge"};

uint64_t get(const std::vector<uint8_t>& b, uint64_t off, size_t w) { return elf::malform::get_le(b, off, w); }

uint64_t width_mask(size_t w) { return w >= 8 ? ~0ull : (1ull << (8 * w)) - 1; }

uint64_t new_value(Strategy s, uint64_t old, size_t w, uint64_t image_size, elf::malform::Rng& rng) {
    switch (s) {
        case zero: return 0;
        case one: return 1;
        case all_ones: return ~0ull;
        case plus_one: return old + 1;
        case minus_one: return old - 1;
        case bit_flip: return old ^ (1ull << rng.below(8 * w));
        case random_value: return rng.next();
        case small: return rng.below(64);
        case file_size: return image_size - rng.below(4);
        case times_two: return old * 2 + 1;
        case high_bit: return 1ull << (8 * w - 1);
        case sign_edge: return (1ull << (8 * w - 1)) - 1;
        case n_strategies: break;
    }
    return old;
}

// The header's section table fields, read raw (the image may be broken).
struct SectionTable {
    uint64_t shoff, shnum, shentsize;
};
SectionTable section_table(const std::vector<uint8_t>& img) {
    using namespace elf;
    return {get(img, ehdr_off::shoff, sizeof(Ehdr::shoff)), get(img, ehdr_off::shnum, sizeof(Ehdr::shnum)),
            get(img, ehdr_off::shentsize, sizeof(Ehdr::shentsize))};
}

// Entries of every section of `type` (SHT_SYMTAB, SHT_RELA): absolute offsets of entries.
std::vector<uint64_t> table_entries(const std::vector<uint8_t>& img, uint32_t type, uint64_t entsize) {
    using namespace elf;
    std::vector<uint64_t> out;
    const auto [shoff, shnum, shentsize] = section_table(img);
    if (shentsize < kShdrSize) return out;
    for (uint64_t i = 0; i < shnum && out.size() < 4096; ++i) {
        const uint64_t sh = shoff + i * shentsize;
        if (sh < shoff || sh + kShdrSize > img.size()) break;
        if (get(img, sh + shdr_off::type, sizeof(Shdr::type)) != type) continue;
        const uint64_t off = get(img, sh + shdr_off::offset, sizeof(Shdr::offset)),
                       size = get(img, sh + shdr_off::size, sizeof(Shdr::size));
        if (off > img.size() || size > img.size() - off) continue;
        for (uint64_t e = off; e + entsize <= off + size && out.size() < 4096; e += entsize) out.push_back(e);
    }
    return out;
}

}  // namespace

uint16_t mutate_field(std::vector<uint8_t>& image, elf::malform::Rng& rng) {
    using namespace elf;
    if (image.size() < kEhdrSize) return kNoFieldMutation;
    for (int attempt = 0; attempt < 6; ++attempt) {
        const size_t fi = rng.below(kFields.size());
        const Field& f = kFields[fi];
        uint64_t base = 0;
        if (f.table == Table::shdr) {
            const auto [shoff, shnum, shentsize] = section_table(image);
            if (shnum == 0 || shentsize < kShdrSize) continue;
            base = shoff + rng.below(shnum) * shentsize;
            if (base < shoff || base > image.size() || image.size() - base < kShdrSize) continue;
        } else if (f.table == Table::sym || f.table == Table::rela) {
            auto entries = f.table == Table::sym ? table_entries(image, kShtSymtab, kSymSize) : table_entries(image, kShtRela, kRelaSize);
            if (entries.empty()) continue;
            base = entries[rng.below(entries.size())];
        }
        const auto s = static_cast<Strategy>(rng.below(n_strategies));
        const uint64_t old = get(image, base + f.offset, f.width);
        const uint64_t v = new_value(s, old, f.width, image.size(), rng) & width_mask(f.width);
        elf::malform::put_le(image, base + f.offset, v, f.width);
        return static_cast<uint16_t>(fi * 16 + s);
    }
    return kNoFieldMutation;
}

std::string field_mutation_name(uint16_t id) {
    const size_t fi = id / 16, s = id % 16;
    if (fi >= kFields.size() || s >= n_strategies) return "#" + std::to_string(id);
    static constexpr std::array<std::string_view, 4> tables{"ehdr", "shdr", "sym", "rela"};
    const Field& f = kFields[fi];
    return std::string(tables[static_cast<size_t>(f.table)]) + "." + std::string(f.name) + "=" + std::string(kStrategyNames[s]);
}

}  // namespace mh::mutate
