// ELF64 little-endian on-disk structures, constants and byte codecs used by the reader and the writer.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace mh::elf {

// Sizes of the on-disk records (x86-64 uses the 64-bit layouts).
inline constexpr size_t kEhdrSize = 64;
inline constexpr size_t kShdrSize = 64;
inline constexpr size_t kSymSize = 24;
inline constexpr size_t kRelaSize = 24;

// e_ident indices and values.
inline constexpr size_t kEiClass = 4, kEiData = 5, kEiVersion = 6, kEiOsabi = 7, kEiAbiVersion = 8, kEiPad = 9;
inline constexpr uint8_t kElfClass32 = 1, kElfClass64 = 2, kElfData2Lsb = 1, kElfData2Msb = 2;
inline constexpr std::array<uint8_t, 4> kElfMagic = {0x7f, 'E', 'L', 'F'};

inline constexpr uint16_t kEtNone = 0, kEtRel = 1, kEtExec = 2, kEtDyn = 3, kEtCore = 4;
inline constexpr uint16_t kEmX86_64 = 62;

// Section types and flags.
inline constexpr uint32_t kShtNull = 0, kShtProgbits = 1, kShtSymtab = 2, kShtStrtab = 3, kShtRela = 4, kShtNote = 7, kShtNobits = 8,
                          kShtRel = 9;
inline constexpr uint64_t kShfWrite = 0x1, kShfAlloc = 0x2, kShfExecinstr = 0x4, kShfMerge = 0x10, kShfStrings = 0x20, kShfInfoLink = 0x40;

// Special section indices.
inline constexpr uint16_t kShnUndef = 0, kShnLoreserve = 0xff00, kShnLivepatch = 0xff20, kShnAbs = 0xfff1, kShnCommon = 0xfff2,
                          kShnXindex = 0xffff;

// Symbol binding/type.
inline constexpr uint8_t kStbLocal = 0, kStbGlobal = 1, kStbWeak = 2;
inline constexpr uint8_t kSttNotype = 0, kSttObject = 1, kSttFunc = 2, kSttSection = 3;

// x86-64 relocation types the model writes or names.
inline constexpr uint32_t kRX86_64_64 = 1, kRX86_64_PC32 = 2, kRX86_64_PLT32 = 4, kRX86_64_32 = 10, kRX86_64_32S = 11, kRX86_64_PC64 = 24;

// Byte offsets of Ehdr fields (used by overrides and malformations that patch one field).
namespace ehdr_off {
inline constexpr size_t type = 16, machine = 18, version = 20, entry = 24, phoff = 32, shoff = 40, flags = 48, ehsize = 52, phentsize = 54,
                        phnum = 56, shentsize = 58, shnum = 60, shstrndx = 62;
}
// Byte offsets of Shdr fields inside one 64-byte entry.
namespace shdr_off {
inline constexpr size_t name = 0, type = 4, flags = 8, addr = 16, offset = 24, size = 32, link = 40, info = 44, addralign = 48,
                        entsize = 56;
}
// Byte offsets of Sym fields inside one 24-byte entry.
namespace sym_off {
inline constexpr size_t name = 0, info = 4, other = 5, shndx = 6, value = 8, size = 16;
}
// Byte offsets of Rela fields inside one 24-byte entry; r_info's halves (little endian): the type
// (ELF64_R_TYPE) in the low 32 bits, the symbol index (ELF64_R_SYM) in the high 32 bits.
namespace rela_off {
inline constexpr size_t offset = 0, info = 8, info_type = 8, info_sym = 12, addend = 16;
}

struct Ehdr {
    std::array<uint8_t, 16> ident{};
    uint16_t type = 0, machine = 0;
    uint32_t version = 0;
    uint64_t entry = 0, phoff = 0, shoff = 0;
    uint32_t flags = 0;
    uint16_t ehsize = 0, phentsize = 0, phnum = 0, shentsize = 0, shnum = 0, shstrndx = 0;
    bool operator==(const Ehdr&) const = default;
};

struct Shdr {
    uint32_t name = 0, type = 0;
    uint64_t flags = 0, addr = 0, offset = 0, size = 0;
    uint32_t link = 0, info = 0;
    uint64_t addralign = 0, entsize = 0;
    bool operator==(const Shdr&) const = default;
};

struct Sym {
    uint32_t name = 0;
    uint8_t info = 0, other = 0;
    uint16_t shndx = 0;
    uint64_t value = 0, size = 0;
    uint8_t bind() const { return static_cast<uint8_t>(info >> 4); }
    uint8_t type() const { return static_cast<uint8_t>(info & 0xf); }
    bool operator==(const Sym&) const = default;
};

struct Rela {
    uint64_t offset = 0, info = 0;
    int64_t addend = 0;
    uint32_t sym() const { return static_cast<uint32_t>(info >> 32); }
    uint32_t type() const { return static_cast<uint32_t>(info & 0xffffffffu); }
    static uint64_t make_info(uint32_t sym, uint32_t type) { return (uint64_t{sym} << 32) | type; }
    bool operator==(const Rela&) const = default;
};

// One field of an on-disk record, named as in <linux/elf.h>: where it is in the record and how wide,
// for code that patches single fields in place (the fuzzer's field mutations). Widths are the
// record structs' member sizes, which are the on-disk sizes.
struct FieldLayout {
    std::string_view name;
    uint8_t offset = 0;
    uint8_t width = 0;
};
// e_ident's single bytes (magic and padding left out), then every field after e_ident.
inline constexpr std::array<FieldLayout, 18> kEhdrFields{{
    {"ei_class", kEiClass, 1},
    {"ei_data", kEiData, 1},
    {"ei_version", kEiVersion, 1},
    {"ei_osabi", kEiOsabi, 1},
    {"ei_abiversion", kEiAbiVersion, 1},
    {"e_type", ehdr_off::type, sizeof(Ehdr::type)},
    {"e_machine", ehdr_off::machine, sizeof(Ehdr::machine)},
    {"e_version", ehdr_off::version, sizeof(Ehdr::version)},
    {"e_entry", ehdr_off::entry, sizeof(Ehdr::entry)},
    {"e_phoff", ehdr_off::phoff, sizeof(Ehdr::phoff)},
    {"e_shoff", ehdr_off::shoff, sizeof(Ehdr::shoff)},
    {"e_flags", ehdr_off::flags, sizeof(Ehdr::flags)},
    {"e_ehsize", ehdr_off::ehsize, sizeof(Ehdr::ehsize)},
    {"e_phentsize", ehdr_off::phentsize, sizeof(Ehdr::phentsize)},
    {"e_phnum", ehdr_off::phnum, sizeof(Ehdr::phnum)},
    {"e_shentsize", ehdr_off::shentsize, sizeof(Ehdr::shentsize)},
    {"e_shnum", ehdr_off::shnum, sizeof(Ehdr::shnum)},
    {"e_shstrndx", ehdr_off::shstrndx, sizeof(Ehdr::shstrndx)},
}};
inline constexpr std::array<FieldLayout, 10> kShdrFields{{
    {"sh_name", shdr_off::name, sizeof(Shdr::name)},
    {"sh_type", shdr_off::type, sizeof(Shdr::type)},
    {"sh_flags", shdr_off::flags, sizeof(Shdr::flags)},
    {"sh_addr", shdr_off::addr, sizeof(Shdr::addr)},
    {"sh_offset", shdr_off::offset, sizeof(Shdr::offset)},
    {"sh_size", shdr_off::size, sizeof(Shdr::size)},
    {"sh_link", shdr_off::link, sizeof(Shdr::link)},
    {"sh_info", shdr_off::info, sizeof(Shdr::info)},
    {"sh_addralign", shdr_off::addralign, sizeof(Shdr::addralign)},
    {"sh_entsize", shdr_off::entsize, sizeof(Shdr::entsize)},
}};
inline constexpr std::array<FieldLayout, 6> kSymFields{{
    {"st_name", sym_off::name, sizeof(Sym::name)},
    {"st_info", sym_off::info, sizeof(Sym::info)},
    {"st_other", sym_off::other, sizeof(Sym::other)},
    {"st_shndx", sym_off::shndx, sizeof(Sym::shndx)},
    {"st_value", sym_off::value, sizeof(Sym::value)},
    {"st_size", sym_off::size, sizeof(Sym::size)},
}};
// r_info as its two halves, which the kernel reads separately.
inline constexpr std::array<FieldLayout, 4> kRelaFields{{
    {"r_offset", rela_off::offset, sizeof(Rela::offset)},
    {"r_info.sym", rela_off::info_sym, 4},
    {"r_info.type", rela_off::info_type, 4},
    {"r_addend", rela_off::addend, sizeof(Rela::addend)},
}};

// Little-endian loads/stores at a raw pointer; callers have bounds-checked the range.
// Appends text to a byte buffer with memcpy. (Inserting char iterators into a byte vector threw
// length_error in the clang 14 ASan/UBSan fuzz build on valid ranges; this form does not.)
inline void append_chars(std::vector<uint8_t>& out, std::string_view s) {
    size_t at = out.size();
    out.resize(at + s.size());
    if (!s.empty()) std::memcpy(out.data() + at, s.data(), s.size());
}
inline std::vector<uint8_t> bytes_of(std::string_view s) {
    std::vector<uint8_t> out;
    append_chars(out, s);
    return out;
}

template <typename T>
inline T load_le(const uint8_t* p) {
    T v{};
    std::memcpy(&v, p, sizeof v);  // x86-64 and all supported hosts are little-endian
    return v;
}
template <typename T>
inline void store_le(uint8_t* p, T v) {
    std::memcpy(p, &v, sizeof v);
}

Ehdr decode_ehdr(const uint8_t* p);
void encode_ehdr(const Ehdr& h, uint8_t* p);
Shdr decode_shdr(const uint8_t* p);
void encode_shdr(const Shdr& s, uint8_t* p);
Sym decode_sym(const uint8_t* p);
void encode_sym(const Sym& s, uint8_t* p);
Rela decode_rela(const uint8_t* p);
void encode_rela(const Rela& r, uint8_t* p);

// Human names for diagnostics ("SHT_PROGBITS", "ET_REL", "R_X86_64_PLT32"); unknown values print as hex.
std::string section_type_name(uint32_t type);
std::string elf_type_name(uint16_t type);
std::string reloc_type_name(uint32_t type);
std::string section_flags_string(uint64_t flags);  // "WAX" style like readelf

}  // namespace mh::elf
