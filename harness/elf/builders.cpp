// Byte builders for .modinfo, __versions, symbol tables and relocation tables.
#include "harness/elf/builders.h"

#include <algorithm>

namespace mh::elf {

std::vector<uint8_t> build_modinfo(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::vector<uint8_t> out;
    for (const auto& [k, v] : entries) {
        append_chars(out, k);
        out.push_back('=');
        append_chars(out, v);
        out.push_back(0);
    }
    return out;
}

std::vector<uint8_t> build_versions(const std::vector<VersionEntry>& entries) {
    std::vector<uint8_t> out(entries.size() * kModversionSize, 0);
    for (size_t i = 0; i < entries.size(); ++i) {
        uint8_t* p = out.data() + i * kModversionSize;
        store_le(p, entries[i].crc);
        size_t n = std::min(entries[i].name.size(), kModversionNameLen - 1);
        std::copy_n(entries[i].name.begin(), n, p + 8);
    }
    return out;
}

std::vector<uint8_t> build_relas(const std::vector<Rela>& relas) {
    std::vector<uint8_t> out(relas.size() * kRelaSize);
    for (size_t i = 0; i < relas.size(); ++i) encode_rela(relas[i], out.data() + i * kRelaSize);
    return out;
}

SymtabBuilder::SymtabBuilder() : syms_(1), strtab_(1, 0) {}

uint32_t SymtabBuilder::add(std::string_view name, uint8_t bind, uint8_t type, uint16_t shndx, uint64_t value, uint64_t size) {
    Sym s;
    if (!name.empty()) {
        s.name = static_cast<uint32_t>(strtab_.size());
        append_chars(strtab_, name);
        strtab_.push_back(0);
    }
    s.info = static_cast<uint8_t>((bind << 4) | (type & 0xf));
    s.shndx = shndx;
    s.value = value;
    s.size = size;
    if (bind == kStbLocal) {
        first_global_ = static_cast<uint32_t>(syms_.size() + 1);
    } else if (first_global_ == 0) {
        first_global_ = static_cast<uint32_t>(syms_.size());
    }
    syms_.push_back(s);
    return static_cast<uint32_t>(syms_.size() - 1);
}

std::vector<uint8_t> SymtabBuilder::symtab_bytes() const {
    std::vector<uint8_t> out(syms_.size() * kSymSize);
    for (size_t i = 0; i < syms_.size(); ++i) encode_sym(syms_[i], out.data() + i * kSymSize);
    return out;
}

}  // namespace mh::elf
