// Builders for the contents of module special sections: .modinfo, __versions, symtab/strtab, RELA.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/elf/elf64.h"
#include "harness/elf/reader.h"

namespace mh::elf {

// "key=value\0" for each pair, in order.
std::vector<uint8_t> build_modinfo(const std::vector<std::pair<std::string, std::string>>& entries);
// 64-byte struct modversion_info records (names longer than 55 bytes are cut, keeping a NUL).
std::vector<uint8_t> build_versions(const std::vector<VersionEntry>& entries);
std::vector<uint8_t> build_relas(const std::vector<Rela>& relas);

// A symbol table under construction with its string table (strtab[0] is the empty name).
class SymtabBuilder {
public:
    SymtabBuilder();
    // Returns the symbol index; locals must be added before globals (ELF rule, sh_info = first global).
    uint32_t add(std::string_view name, uint8_t bind, uint8_t type, uint16_t shndx, uint64_t value, uint64_t size);
    uint32_t first_global() const { return first_global_ ? first_global_ : static_cast<uint32_t>(syms_.size()); }
    std::vector<uint8_t> symtab_bytes() const;
    const std::vector<uint8_t>& strtab_bytes() const { return strtab_; }

private:
    std::vector<Sym> syms_;
    std::vector<uint8_t> strtab_;
    uint32_t first_global_ = 0;
};

}  // namespace mh::elf
