#include "harness/elf/locate.h"

#include <cstdio>
#include <span>

#include "harness/common/text.h"

namespace mh::elf {

namespace {

template <size_t N>
std::optional<std::pair<std::string_view, size_t>> field_at(const std::array<FieldLayout, N>& table, size_t rel, size_t* width) {
    for (const auto& f : table)
        if (rel >= f.offset && rel < size_t{f.offset} + f.width) {
            *width = f.width;
            return std::pair{f.name, size_t{f.offset}};
        }
    return std::nullopt;
}

}  // namespace

std::optional<uint64_t> field_value(std::span<const uint8_t> image, size_t start, size_t width) {
    if (width == 0 || width > 8 || start > image.size() || image.size() - start < width) return std::nullopt;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= uint64_t{image[start + i]} << (8 * i);
    return v;
}

Location locate(const ElfView& view, size_t offset) {
    Location at;
    at.start = offset;
    auto name_of = [&](size_t i) { return std::string(view.section_name(i).value_or("")); };
    if (offset < kEhdrSize) {
        at.kind = Location::Kind::kEhdr;
        if (auto f = field_at(kEhdrFields, offset, &at.width)) {
            at.field = f->first;
            at.start = f->second;
        } else if (offset < kElfMagic.size()) {
            at.field = "e_ident magic";
            at.start = 0;
            at.width = kElfMagic.size();
        }
        return at;
    }
    const uint64_t shoff = view.header().shoff;
    if (view.section_count() > 0 && offset >= shoff && offset - shoff < view.section_count() * kShdrSize) {
        at.kind = Location::Kind::kShdr;
        at.section = static_cast<size_t>((offset - shoff) / kShdrSize);
        at.section_name = name_of(at.section);
        const size_t rel = static_cast<size_t>((offset - shoff) % kShdrSize);
        if (auto f = field_at(kShdrFields, rel, &at.width)) {
            at.field = f->first;
            at.start = static_cast<size_t>(shoff) + at.section * kShdrSize + f->second;
        }
        return at;
    }
    for (size_t i = 1; i < view.section_count(); ++i) {
        const Shdr& s = view.section(i);
        if (s.type == kShtNobits || offset < s.offset || offset - s.offset >= s.size) continue;
        at.section = i;
        at.section_name = name_of(i);
        const size_t rel = static_cast<size_t>(offset - s.offset);
        if (s.type == kShtSymtab || s.type == kShtRela) {
            const bool sym = s.type == kShtSymtab;
            const size_t entry_size = sym ? kSymSize : kRelaSize;
            at.kind = sym ? Location::Kind::kSym : Location::Kind::kRela;
            at.entry = rel / entry_size;
            auto f = sym ? field_at(kSymFields, rel % entry_size, &at.width) : field_at(kRelaFields, rel % entry_size, &at.width);
            if (f) {
                at.field = f->first;
                at.start = static_cast<size_t>(s.offset) + at.entry * entry_size + f->second;
            }
            if (sym)
                if (auto syms = view.symbols(); syms && at.entry < syms->size()) at.symbol_name = std::string((*syms)[at.entry].name);
            return at;
        }
        at.kind = Location::Kind::kSectionData;
        at.within = rel;
        return at;
    }
    return at;
}

std::optional<size_t> find_same(const ElfView& other, const Location& at) {
    auto section_index = [&]() -> std::optional<size_t> {
        if (!at.section_name.empty()) {
            const auto all = other.find_sections(at.section_name);
            if (all.size() == 1) return all.front();
        }
        if (at.section < other.section_count()) return at.section;
        return std::nullopt;
    };
    auto inside = [&](size_t sec, size_t rel, size_t width) -> std::optional<size_t> {
        const Shdr& s = other.section(sec);
        if (s.type == kShtNobits || rel > s.size || s.size - rel < width || s.offset + s.size > other.image().size()) return std::nullopt;
        return static_cast<size_t>(s.offset) + rel;
    };
    auto field_rel = [&](auto table) -> std::optional<size_t> {
        for (const auto& f : table)
            if (f.name == at.field) return size_t{f.offset};
        return std::nullopt;
    };
    switch (at.kind) {
        case Location::Kind::kEhdr: return at.start + at.width <= kEhdrSize ? std::optional{at.start} : std::nullopt;
        case Location::Kind::kShdr: {
            const auto sec = section_index();
            const auto rel = field_rel(kShdrFields);
            if (!sec || !rel) return std::nullopt;
            return static_cast<size_t>(other.header().shoff) + *sec * kShdrSize + *rel;
        }
        case Location::Kind::kSym: {
            auto symtab = other.symtab_index();
            auto syms = other.symbols();
            const auto rel = field_rel(kSymFields);
            if (!symtab || !syms || !rel) return std::nullopt;
            std::optional<size_t> entry;
            if (!at.symbol_name.empty()) {
                for (size_t i = 0; i < syms->size(); ++i)
                    if ((*syms)[i].name == at.symbol_name) {
                        if (entry) return std::nullopt;  // two symbols of that name: ambiguous
                        entry = i;
                    }
            }
            if (!entry && at.entry < syms->size()) entry = at.entry;  // renamed, or nameless: the same index
            if (!entry) return std::nullopt;
            return inside(*symtab, *entry * kSymSize + *rel, at.width);
        }
        case Location::Kind::kRela: {
            const auto sec = section_index();
            const auto rel = field_rel(kRelaFields);
            if (!sec || !rel || other.section(*sec).type != kShtRela) return std::nullopt;
            return inside(*sec, at.entry * kRelaSize + *rel, at.width);
        }
        case Location::Kind::kSectionData: {
            const auto sec = section_index();
            if (!sec) return std::nullopt;
            return inside(*sec, at.within, 1);
        }
        case Location::Kind::kNone: break;
    }
    return std::nullopt;
}

std::string describe(const Location& at) {
    auto section = [&](size_t i, const std::string& name) {
        return "section " + std::to_string(i) + (name.empty() ? "" : " `" + name + "`");
    };
    switch (at.kind) {
        case Location::Kind::kEhdr: return "ELF header " + (at.field.empty() ? "e_ident padding" : at.field);
        case Location::Kind::kShdr: return section(at.section, at.section_name) + " header " + (at.field.empty() ? "?" : at.field);
        case Location::Kind::kSym:
            return "symbol " + std::to_string(at.entry) + (at.symbol_name.empty() ? "" : " `" + at.symbol_name + "`") + " " + at.field;
        case Location::Kind::kRela:
            return "relocation " + std::to_string(at.entry) + " of " + section(at.section, at.section_name) + " " + at.field;
        case Location::Kind::kSectionData: return section(at.section, at.section_name) + " +" + hex(at.within);
        case Location::Kind::kNone: break;
    }
    return "bytes at " + hex(at.start) + " outside any section";
}

}  // namespace mh::elf
