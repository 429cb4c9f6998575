// Field table and value strategies for field-level ELF mutation (see field_mutations.h).
#include "harness/mutate/field_mutations.h"

#include <array>
#include <string_view>

namespace mh::mutate {

namespace {

enum class Table : uint8_t { ehdr, shdr, sym, rela };

struct Field {
    Table table;
    std::string_view name;
    uint8_t offset;
    uint8_t width;
};

// Offsets from include/uapi/linux/elf.h (Elf64_Ehdr, Elf64_Shdr, Elf64_Sym, Elf64_Rela).
constexpr std::array<Field, 37> kFields{{
    {Table::ehdr, "ei_class", 4, 1},      {Table::ehdr, "ei_data", 5, 1},         {Table::ehdr, "ei_version", 6, 1},
    {Table::ehdr, "ei_osabi", 7, 1},      {Table::ehdr, "e_type", 16, 2},         {Table::ehdr, "e_machine", 18, 2},
    {Table::ehdr, "e_version", 20, 4},    {Table::ehdr, "e_entry", 24, 8},        {Table::ehdr, "e_phoff", 32, 8},
    {Table::ehdr, "e_shoff", 40, 8},      {Table::ehdr, "e_flags", 48, 4},        {Table::ehdr, "e_ehsize", 52, 2},
    {Table::ehdr, "e_phentsize", 54, 2},  {Table::ehdr, "e_phnum", 56, 2},        {Table::ehdr, "e_shentsize", 58, 2},
    {Table::ehdr, "e_shnum", 60, 2},      {Table::ehdr, "e_shstrndx", 62, 2},
    {Table::shdr, "sh_name", 0, 4},       {Table::shdr, "sh_type", 4, 4},         {Table::shdr, "sh_flags", 8, 8},
    {Table::shdr, "sh_addr", 16, 8},      {Table::shdr, "sh_offset", 24, 8},      {Table::shdr, "sh_size", 32, 8},
    {Table::shdr, "sh_link", 40, 4},      {Table::shdr, "sh_info", 44, 4},        {Table::shdr, "sh_addralign", 48, 8},
    {Table::shdr, "sh_entsize", 56, 8},
    {Table::sym, "st_name", 0, 4},        {Table::sym, "st_info", 4, 1},          {Table::sym, "st_other", 5, 1},
    {Table::sym, "st_shndx", 6, 2},       {Table::sym, "st_value", 8, 8},         {Table::sym, "st_size", 16, 8},
    {Table::rela, "r_offset", 0, 8},      {Table::rela, "r_info.sym", 12, 4},     {Table::rela, "r_info.type", 8, 4},
    {Table::rela, "r_addend", 16, 8},
}};

enum Strategy : uint8_t { zero, one, all_ones, plus_one, minus_one, bit_flip, random_value, small, file_size, times_two, high_bit, sign_edge, n_strategies };
constexpr std::array<std::string_view, n_strategies> kStrategyNames{
    "zero", "one", "all-ones", "plus-one", "minus-one", "bit-flip", "random", "small", "file-size", "times-two", "high-bit", "sign-edge"};

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

// Entries of every section of `type` (SHT_SYMTAB=2, SHT_RELA=4): absolute offsets of entries.
std::vector<uint64_t> table_entries(const std::vector<uint8_t>& img, uint32_t type, uint64_t entsize) {
    std::vector<uint64_t> out;
    const uint64_t shoff = get(img, 40, 8), shnum = get(img, 60, 2), shentsize = get(img, 58, 2);
    if (shentsize < 64) return out;
    for (uint64_t i = 0; i < shnum && out.size() < 4096; ++i) {
        const uint64_t sh = shoff + i * shentsize;
        if (sh < shoff || sh + 64 > img.size()) break;
        if (get(img, sh + 4, 4) != type) continue;
        const uint64_t off = get(img, sh + 24, 8), size = get(img, sh + 32, 8);
        if (off > img.size() || size > img.size() - off) continue;
        for (uint64_t e = off; e + entsize <= off + size && out.size() < 4096; e += entsize) out.push_back(e);
    }
    return out;
}

}  // namespace

uint16_t mutate_field(std::vector<uint8_t>& image, elf::malform::Rng& rng) {
    if (image.size() < 64) return kNoFieldMutation;
    for (int attempt = 0; attempt < 6; ++attempt) {
        const size_t fi = rng.below(kFields.size());
        const Field& f = kFields[fi];
        uint64_t base = 0;
        if (f.table == Table::shdr) {
            const uint64_t shoff = get(image, 40, 8), shnum = get(image, 60, 2), shentsize = get(image, 58, 2);
            if (shnum == 0 || shentsize < 64) continue;
            base = shoff + rng.below(shnum) * shentsize;
            if (base < shoff || base > image.size() || image.size() - base < 64) continue;
        } else if (f.table == Table::sym || f.table == Table::rela) {
            auto entries = table_entries(image, f.table == Table::sym ? 2u : 4u, 24);
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
