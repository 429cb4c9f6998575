// Implementation of the checked ELF view: every offset from the file is bounds- and overflow-checked.
#include "harness/elf/reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "harness/common/checked.h"
#include "harness/common/text.h"
#include "harness/elf/compression.h"

namespace mh::elf {

namespace {

std::string num(uint64_t v) { return std::to_string(v); }
}  // namespace

Expected<ElfView> ElfView::parse(std::span<const uint8_t> image, ReadOptions options) {
    if (image.size() < kEhdrSize) return make_error("ELF header: image is " + num(image.size()) + " bytes, need at least 64");
    if (!std::equal(kElfMagic.begin(), kElfMagic.end(), image.begin())) return make_error("ELF header: e_ident magic is not \\x7fELF");
    if (image[kEiClass] != kElfClass64)
        return make_error("ELF header: e_ident[EI_CLASS] = " + num(image[kEiClass]) + ", only ELFCLASS64 (2) is supported");
    if (image[kEiData] != kElfData2Lsb)
        return make_error("ELF header: e_ident[EI_DATA] = " + num(image[kEiData]) + ", only ELFDATA2LSB (1) is supported");
    ElfView v;
    v.image_ = image;
    v.ehdr_ = decode_ehdr(image.data());
    const Ehdr& h = v.ehdr_;
    if (options.require_x86_64_rel) {
        if (h.machine != kEmX86_64) return make_error("ELF header: e_machine = " + num(h.machine) + ", expected EM_X86_64 (62)");
        if (h.type != kEtRel) return make_error("ELF header: e_type = " + elf_type_name(h.type) + ", expected ET_REL (1)");
    }
    if (h.shnum == 0) return v;  // no sections: a valid view with nothing in it
    if (h.shentsize != kShdrSize) return make_error("ELF header: e_shentsize = " + num(h.shentsize) + ", expected 64");
    uint64_t table = uint64_t{h.shnum} * kShdrSize;
    if (!range_within(h.shoff, table, image.size()))
        return make_error("ELF header: section header table [e_shoff " + hex(h.shoff) + ", +" + num(table) + " bytes for e_shnum " +
                          num(h.shnum) + ") exceeds image size " + num(image.size()));
    v.shdrs_.reserve(h.shnum);
    for (size_t i = 0; i < h.shnum; ++i) v.shdrs_.push_back(decode_shdr(image.data() + h.shoff + i * kShdrSize));
    return v;
}

Expected<std::string_view> ElfView::section_name(size_t index) const {
    if (index >= shdrs_.size()) return make_error("section index " + num(index) + " >= e_shnum " + num(shdrs_.size()));
    if (ehdr_.shstrndx == 0 || ehdr_.shstrndx >= shdrs_.size())
        return make_error("ELF header: e_shstrndx = " + num(ehdr_.shstrndx) + " is not a section in 1.." +
                          num(shdrs_.size() ? shdrs_.size() - 1 : 0));
    const Shdr& str = shdrs_[ehdr_.shstrndx];
    if (str.type == kShtNobits) return make_error("section header string table (section " + num(ehdr_.shstrndx) + ") is SHT_NOBITS");
    if (!range_within(str.offset, str.size, image_.size()))
        return make_error("section header string table (section " + num(ehdr_.shstrndx) + "): [sh_offset " + hex(str.offset) +
                          ", +sh_size " + hex(str.size) + ") exceeds image size " + num(image_.size()));
    uint32_t off = shdrs_[index].name;
    if (off >= str.size) return make_error("section " + num(index) + ": sh_name " + num(off) + " >= .shstrtab size " + num(str.size));
    const char* base = reinterpret_cast<const char*>(image_.data() + str.offset);
    const void* nul = std::memchr(base + off, 0, str.size - off);
    if (!nul) return make_error("section " + num(index) + ": name at sh_name " + num(off) + " runs past the end of .shstrtab (no NUL)");
    return std::string_view(base + off, static_cast<size_t>(static_cast<const char*>(nul) - (base + off)));
}

Expected<std::span<const uint8_t>> ElfView::section_data(size_t index) const {
    if (index >= shdrs_.size()) return make_error("section index " + num(index) + " >= e_shnum " + num(shdrs_.size()));
    const Shdr& s = shdrs_[index];
    if (s.type == kShtNobits) return std::span<const uint8_t>{};
    if (!range_within(s.offset, s.size, image_.size()))
        return make_error("section " + num(index) + ": [sh_offset " + hex(s.offset) + ", +sh_size " + hex(s.size) +
                          ") exceeds image size " + num(image_.size()));
    return image_.subspan(s.offset, s.size);
}

std::optional<size_t> ElfView::find_section(std::string_view name) const {
    for (size_t i = 1; i < shdrs_.size(); ++i) {
        auto n = section_name(i);
        if (n.ok() && *n == name) return i;
    }
    return std::nullopt;
}

std::vector<size_t> ElfView::find_sections(std::string_view name) const {
    std::vector<size_t> out;
    for (size_t i = 1; i < shdrs_.size(); ++i) {
        auto n = section_name(i);
        if (n.ok() && *n == name) out.push_back(i);
    }
    return out;
}

std::vector<size_t> ElfView::sections_of_type(uint32_t type) const {
    std::vector<size_t> out;
    for (size_t i = 1; i < shdrs_.size(); ++i)
        if (shdrs_[i].type == type) out.push_back(i);
    return out;
}

Expected<size_t> ElfView::symtab_index() const {
    auto tabs = sections_of_type(kShtSymtab);
    if (tabs.empty()) return make_error("no SHT_SYMTAB section among " + num(shdrs_.size()) + " sections");
    return tabs.front();
}

Expected<std::vector<Symbol>> ElfView::symbols() const {
    MH_TRY_ASSIGN(idx, symtab_index());
    const Shdr& st = shdrs_[idx];
    MH_TRY_ASSIGN(data, section_data(idx));
    if (data.size() % kSymSize != 0)
        return make_error("symbol table (section " + num(idx) + "): sh_size " + num(data.size()) + " is not a multiple of 24");
    if (st.link == 0 || st.link >= shdrs_.size())
        return make_error("symbol table (section " + num(idx) + "): sh_link " + num(st.link) + " is not a section in 1.." +
                          num(shdrs_.size() - 1));
    MH_TRY_ASSIGN(strtab, section_data(st.link));
    std::vector<Symbol> out;
    out.reserve(data.size() / kSymSize);
    for (size_t i = 0; i < data.size() / kSymSize; ++i) {
        Symbol s;
        s.raw = decode_sym(data.data() + i * kSymSize);
        if (s.raw.name >= strtab.size()) {
            s.name_error = "symbol " + num(i) + ": st_name " + num(s.raw.name) + " >= string table size " + num(strtab.size());
        } else {
            const char* base = reinterpret_cast<const char*>(strtab.data());
            const void* nul = std::memchr(base + s.raw.name, 0, strtab.size() - s.raw.name);
            if (!nul)
                s.name_error = "symbol " + num(i) + ": name at st_name " + num(s.raw.name) + " runs past the end of the string table";
            else
                s.name = std::string_view(base + s.raw.name, static_cast<size_t>(static_cast<const char*>(nul) - (base + s.raw.name)));
        }
        out.push_back(std::move(s));
    }
    return out;
}

Expected<std::vector<Rela>> ElfView::relocations(size_t rela_section) const {
    if (rela_section >= shdrs_.size())
        return make_error("relocation section index " + num(rela_section) + " >= e_shnum " + num(shdrs_.size()));
    if (shdrs_[rela_section].type != kShtRela)
        return make_error("section " + num(rela_section) + ": sh_type " + section_type_name(shdrs_[rela_section].type) +
                          " is not SHT_RELA");
    MH_TRY_ASSIGN(data, section_data(rela_section));
    if (data.size() % kRelaSize != 0)
        return make_error("relocation section " + num(rela_section) + ": sh_size " + num(data.size()) + " is not a multiple of 24");
    std::vector<Rela> out;
    out.reserve(data.size() / kRelaSize);
    for (size_t i = 0; i < data.size() / kRelaSize; ++i) out.push_back(decode_rela(data.data() + i * kRelaSize));
    return out;
}

Expected<std::vector<ModinfoEntry>> read_modinfo(const ElfView& view) {
    auto idx = view.find_section(".modinfo");
    if (!idx) return make_error("no .modinfo section");
    MH_TRY_ASSIGN(data, view.section_data(*idx));
    std::vector<ModinfoEntry> out;
    const char* base = reinterpret_cast<const char*>(data.data());
    size_t pos = 0;
    while (pos < data.size()) {
        if (base[pos] == 0) {  // the kernel's get_next_modinfo skips runs of NULs (alignment padding)
            ++pos;
            continue;
        }
        const void* nul = std::memchr(base + pos, 0, data.size() - pos);
        size_t end = nul ? static_cast<size_t>(static_cast<const char*>(nul) - base) : data.size();
        std::string_view entry(base + pos, end - pos);
        ModinfoEntry e;
        e.offset = pos;
        e.terminated = nul != nullptr;
        auto eq = entry.find('=');
        e.has_equals = eq != std::string_view::npos;
        e.key = e.has_equals ? entry.substr(0, eq) : entry;
        e.value = e.has_equals ? entry.substr(eq + 1) : std::string_view{};
        out.push_back(e);
        pos = end + 1;
    }
    return out;
}

std::optional<std::string_view> modinfo_value(const std::vector<ModinfoEntry>& entries, std::string_view key) {
    for (const auto& e : entries)
        if (e.has_equals && e.key == key) return e.value;
    return std::nullopt;
}

Expected<VersionsInfo> read_versions(const ElfView& view) {
    auto idx = view.find_section("__versions");
    if (!idx) return make_error("no __versions section");
    MH_TRY_ASSIGN(data, view.section_data(*idx));
    VersionsInfo info;
    info.section = *idx;
    info.trailing_bytes = data.size() % kModversionSize;
    for (size_t i = 0; i + kModversionSize <= data.size(); i += kModversionSize) {
        VersionEntry e;
        e.crc = load_le<uint64_t>(data.data() + i);
        const char* name = reinterpret_cast<const char*>(data.data() + i + 8);
        const void* nul = std::memchr(name, 0, kModversionNameLen);
        e.terminated = nul != nullptr;
        e.name.assign(name, nul ? static_cast<size_t>(static_cast<const char*>(nul) - name) : kModversionNameLen);
        info.entries.push_back(std::move(e));
    }
    return info;
}

Expected<ThisModuleInfo> read_this_module(const ElfView& view) {
    auto idx = view.find_section(".gnu.linkonce.this_module");
    if (!idx) return make_error("no .gnu.linkonce.this_module section");
    const Shdr& s = view.section(*idx);
    if (s.type == kShtNobits) return make_error(".gnu.linkonce.this_module (section " + std::to_string(*idx) + ") is SHT_NOBITS");
    MH_TRY_ASSIGN(data, view.section_data(*idx));
    if (data.size() < kThisModuleNameOffset + kThisModuleNameLen)
        return make_error(".gnu.linkonce.this_module: sh_size " + std::to_string(data.size()) + " is smaller than name[] end " +
                          std::to_string(kThisModuleNameOffset + kThisModuleNameLen));
    ThisModuleInfo info;
    info.section = *idx;
    info.size = s.size;
    const char* name = reinterpret_cast<const char*>(data.data() + kThisModuleNameOffset);
    const void* nul = std::memchr(name, 0, kThisModuleNameLen);
    info.name_terminated = nul != nullptr;
    info.name.assign(name, nul ? static_cast<size_t>(static_cast<const char*>(nul) - name) : kThisModuleNameLen);
    return info;
}

Expected<std::string> module_name(std::span<const uint8_t> image) {
    std::vector<uint8_t> plain;
    if (detect_compression(image) != Compression::none) {
        MH_TRY_ASSIGN(bytes, decompress(image));
        plain = std::move(bytes);
        image = plain;
    }
    MH_TRY_ASSIGN(view, ElfView::parse(image));
    MH_TRY_ASSIGN(tm, read_this_module(view));
    if (!tm.name_terminated) return make_error(".gnu.linkonce.this_module: name[56] is not NUL-terminated");
    if (tm.name.empty()) return make_error(".gnu.linkonce.this_module: name is empty");
    return tm.name;
}

}  // namespace mh::elf
