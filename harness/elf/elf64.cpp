// Encoding and decoding of ELF64 records, and readable names for types and flags.
#include "harness/elf/elf64.h"

#include <cstdio>
#include <string>

namespace mh::elf {

Ehdr decode_ehdr(const uint8_t* p) {
    Ehdr h;
    std::memcpy(h.ident.data(), p, 16);
    h.type = load_le<uint16_t>(p + ehdr_off::type);
    h.machine = load_le<uint16_t>(p + ehdr_off::machine);
    h.version = load_le<uint32_t>(p + ehdr_off::version);
    h.entry = load_le<uint64_t>(p + ehdr_off::entry);
    h.phoff = load_le<uint64_t>(p + ehdr_off::phoff);
    h.shoff = load_le<uint64_t>(p + ehdr_off::shoff);
    h.flags = load_le<uint32_t>(p + ehdr_off::flags);
    h.ehsize = load_le<uint16_t>(p + ehdr_off::ehsize);
    h.phentsize = load_le<uint16_t>(p + ehdr_off::phentsize);
    h.phnum = load_le<uint16_t>(p + ehdr_off::phnum);
    h.shentsize = load_le<uint16_t>(p + ehdr_off::shentsize);
    h.shnum = load_le<uint16_t>(p + ehdr_off::shnum);
    h.shstrndx = load_le<uint16_t>(p + ehdr_off::shstrndx);
    return h;
}

void encode_ehdr(const Ehdr& h, uint8_t* p) {
    std::memcpy(p, h.ident.data(), 16);
    store_le(p + ehdr_off::type, h.type);
    store_le(p + ehdr_off::machine, h.machine);
    store_le(p + ehdr_off::version, h.version);
    store_le(p + ehdr_off::entry, h.entry);
    store_le(p + ehdr_off::phoff, h.phoff);
    store_le(p + ehdr_off::shoff, h.shoff);
    store_le(p + ehdr_off::flags, h.flags);
    store_le(p + ehdr_off::ehsize, h.ehsize);
    store_le(p + ehdr_off::phentsize, h.phentsize);
    store_le(p + ehdr_off::phnum, h.phnum);
    store_le(p + ehdr_off::shentsize, h.shentsize);
    store_le(p + ehdr_off::shnum, h.shnum);
    store_le(p + ehdr_off::shstrndx, h.shstrndx);
}

Shdr decode_shdr(const uint8_t* p) {
    Shdr s;
    s.name = load_le<uint32_t>(p + shdr_off::name);
    s.type = load_le<uint32_t>(p + shdr_off::type);
    s.flags = load_le<uint64_t>(p + shdr_off::flags);
    s.addr = load_le<uint64_t>(p + shdr_off::addr);
    s.offset = load_le<uint64_t>(p + shdr_off::offset);
    s.size = load_le<uint64_t>(p + shdr_off::size);
    s.link = load_le<uint32_t>(p + shdr_off::link);
    s.info = load_le<uint32_t>(p + shdr_off::info);
    s.addralign = load_le<uint64_t>(p + shdr_off::addralign);
    s.entsize = load_le<uint64_t>(p + shdr_off::entsize);
    return s;
}

void encode_shdr(const Shdr& s, uint8_t* p) {
    store_le(p + shdr_off::name, s.name);
    store_le(p + shdr_off::type, s.type);
    store_le(p + shdr_off::flags, s.flags);
    store_le(p + shdr_off::addr, s.addr);
    store_le(p + shdr_off::offset, s.offset);
    store_le(p + shdr_off::size, s.size);
    store_le(p + shdr_off::link, s.link);
    store_le(p + shdr_off::info, s.info);
    store_le(p + shdr_off::addralign, s.addralign);
    store_le(p + shdr_off::entsize, s.entsize);
}

Sym decode_sym(const uint8_t* p) {
    Sym s;
    s.name = load_le<uint32_t>(p + sym_off::name);
    s.info = p[sym_off::info];
    s.other = p[sym_off::other];
    s.shndx = load_le<uint16_t>(p + sym_off::shndx);
    s.value = load_le<uint64_t>(p + sym_off::value);
    s.size = load_le<uint64_t>(p + sym_off::size);
    return s;
}

void encode_sym(const Sym& s, uint8_t* p) {
    store_le(p + sym_off::name, s.name);
    p[sym_off::info] = s.info;
    p[sym_off::other] = s.other;
    store_le(p + sym_off::shndx, s.shndx);
    store_le(p + sym_off::value, s.value);
    store_le(p + sym_off::size, s.size);
}

Rela decode_rela(const uint8_t* p) {
    return Rela{load_le<uint64_t>(p + rela_off::offset), load_le<uint64_t>(p + rela_off::info), load_le<int64_t>(p + rela_off::addend)};
}

void encode_rela(const Rela& r, uint8_t* p) {
    store_le(p + rela_off::offset, r.offset);
    store_le(p + rela_off::info, r.info);
    store_le(p + rela_off::addend, r.addend);
}

static std::string hex_name(const char* prefix, uint64_t v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s0x%llx", prefix, static_cast<unsigned long long>(v));
    return buf;
}

std::string section_type_name(uint32_t type) {
    switch (type) {
        case kShtNull: return "NULL";
        case kShtProgbits: return "PROGBITS";
        case kShtSymtab: return "SYMTAB";
        case kShtStrtab: return "STRTAB";
        case kShtRela: return "RELA";
        case 5: return "HASH";
        case 6: return "DYNAMIC";
        case kShtNote: return "NOTE";
        case kShtNobits: return "NOBITS";
        case kShtRel: return "REL";
        case 11: return "DYNSYM";
        case 14: return "INIT_ARRAY";
        case 15: return "FINI_ARRAY";
        case 17: return "GROUP";
        case 18: return "SYMTAB_SHNDX";
        default: return hex_name("", type);
    }
}

std::string elf_type_name(uint16_t type) {
    switch (type) {
        case kEtNone: return "ET_NONE";
        case kEtRel: return "ET_REL";
        case kEtExec: return "ET_EXEC";
        case kEtDyn: return "ET_DYN";
        case kEtCore: return "ET_CORE";
        default: return hex_name("ET_", type);
    }
}

std::string reloc_type_name(uint32_t type) {
    switch (type) {
        case 0: return "R_X86_64_NONE";
        case kRX86_64_64: return "R_X86_64_64";
        case kRX86_64_PC32: return "R_X86_64_PC32";
        case kRX86_64_PLT32: return "R_X86_64_PLT32";
        case kRX86_64_32: return "R_X86_64_32";
        case kRX86_64_32S: return "R_X86_64_32S";
        case kRX86_64_PC64: return "R_X86_64_PC64";
        default: return hex_name("R_X86_64_", type);
    }
}

std::string section_flags_string(uint64_t flags) {
    std::string s;
    if (flags & kShfWrite) s += 'W';
    if (flags & kShfAlloc) s += 'A';
    if (flags & kShfExecinstr) s += 'X';
    if (flags & kShfMerge) s += 'M';
    if (flags & kShfStrings) s += 'S';
    if (flags & kShfInfoLink) s += 'I';
    uint64_t known = kShfWrite | kShfAlloc | kShfExecinstr | kShfMerge | kShfStrings | kShfInfoLink;
    if (flags & ~known) s += "+" + hex_name("", flags & ~known);
    return s;
}

}  // namespace mh::elf
