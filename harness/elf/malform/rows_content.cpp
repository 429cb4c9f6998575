// In-place edits of section contents: string tables, .modinfo, __versions, struct module, symbols, relocations.
#include <algorithm>
#include <cstring>

#include "harness/elf/malform/rows.h"

namespace mh::elf::malform {

EditFn set_byte_at_end(uint8_t value) {
    return [value](Rng&, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        if (d.empty()) return make_error("section is empty");
        if (d.back() == value) return make_error("last byte already has that value");
        d.back() = value;
        return ok_status();
    };
}

EditFn set_byte_at_start(uint8_t value) {
    return [value](Rng&, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        if (d.empty()) return make_error("section is empty");
        if (d.front() == value) return make_error("first byte already has that value");
        d.front() = value;
        return ok_status();
    };
}

namespace {

// Finds "key=" at the start of a NUL-separated entry; returns the offset of the value.
std::optional<size_t> find_entry(std::span<uint8_t> d, std::string_view key) {
    std::string pat = std::string(key) + "=";
    for (size_t i = 0; i + pat.size() <= d.size(); ++i) {
        if ((i == 0 || d[i - 1] == 0) && std::memcmp(d.data() + i, pat.data(), pat.size()) == 0) return i + pat.size();
    }
    return std::nullopt;
}

size_t entry_end(std::span<uint8_t> d, size_t from) {
    while (from < d.size() && d[from] != 0) ++from;
    return from;
}

bool flip_char(uint8_t& c) {
    if (c >= 'a' && c <= 'z')
        c = static_cast<uint8_t>(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z')
        c = static_cast<uint8_t>(c - 'A' + 'a');
    else if (c >= '0' && c <= '9')
        c = static_cast<uint8_t>('0' + (c - '0' + 1) % 10);
    else
        return false;
    return true;
}

}  // namespace

EditFn vermagic_flip(bool in_release_prefix) {
    return [in_release_prefix](Rng& rng, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        auto v = find_entry(d, "vermagic");
        if (!v) return make_error(".modinfo has no vermagic=");
        size_t end = entry_end(d, *v);
        size_t space = *v;
        while (space < end && d[space] != ' ') ++space;
        size_t lo = in_release_prefix ? *v : space + 1, hi = in_release_prefix ? space : end;
        std::vector<size_t> c;
        for (size_t i = lo; i < hi; ++i) {
            uint8_t x = d[i];
            if (flip_char(x)) c.push_back(i);
        }
        if (c.empty()) return make_error("vermagic has no letter or digit to change in that part");
        flip_char(d[c[rng.below(c.size())]]);
        return ok_status();
    };
}

EditFn modinfo_rename_key(std::string_view key) {
    return [key](Rng&, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        auto v = find_entry(d, key);
        if (!v) return make_error(".modinfo has no " + std::string(key) + "=");
        d[*v - 2] = d[*v - 2] == 'X' ? 'Y' : 'X';  // last letter of the key: "vermagic" -> "vermagiX"
        return ok_status();
    };
}

EditFn modinfo_change_value(std::string_view key) {
    return [key](Rng& rng, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        auto v = find_entry(d, key);
        if (!v) return make_error(".modinfo has no " + std::string(key) + "=");
        size_t end = entry_end(d, *v);
        if (end == *v) return make_error(std::string(key) + "= is empty");
        size_t at = *v + rng.below(end - *v);
        d[at] = d[at] == 'Z' ? 'Q' : 'Z';
        return ok_status();
    };
}

namespace {

std::optional<size_t> version_entry(std::span<uint8_t> d, std::string_view name) {
    for (size_t i = 0; i + kModversionSize <= d.size(); i += kModversionSize) {
        const char* n = reinterpret_cast<const char*>(d.data() + i + 8);
        if (strnlen(n, kModversionNameLen) == name.size() && std::memcmp(n, name.data(), name.size()) == 0) return i;
    }
    return std::nullopt;
}

}  // namespace

EditFn versions_rename(std::string_view entry) {
    return [entry](Rng&, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        auto i = version_entry(d, entry);
        if (!i) return make_error("__versions has no entry " + std::string(entry));
        d[*i + 8 + entry.size() - 1] = 'X';
        return ok_status();
    };
}

EditFn versions_crc_flip(bool module_layout) {
    return [module_layout](Rng& rng, const ElfView& v, size_t, std::span<uint8_t> d) -> Status {
        std::optional<size_t> at;
        if (module_layout) {
            at = version_entry(d, "module_layout");
        } else {
            // An entry for a symbol the module really imports, so the kernel compares its CRC.
            auto syms = v.symbols();
            if (!syms) return syms.error();
            std::vector<size_t> c;
            for (const auto& s : *syms)
                if (s.raw.shndx == kShnUndef && !s.name.empty())
                    if (auto e = version_entry(d, s.name)) c.push_back(*e);
            if (!c.empty()) at = c[rng.below(c.size())];
        }
        if (!at) return make_error(module_layout ? "__versions has no module_layout" : "__versions has no entry for an imported symbol");
        uint64_t crc = load_le<uint64_t>(d.data() + *at);
        store_le(d.data() + *at, crc ^ (1ull << rng.below(32)));
        return ok_status();
    };
}

EditFn versions_unterminate() {
    return [](Rng& rng, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        size_t n = d.size() / kModversionSize;
        if (n == 0) return make_error("__versions has no entry");
        size_t i = rng.below(n) * kModversionSize + 8;
        size_t len = strnlen(reinterpret_cast<const char*>(d.data() + i), kModversionNameLen);
        if (len == kModversionNameLen) return make_error("entry already unterminated");
        std::fill(d.begin() + static_cast<long>(i + len), d.begin() + static_cast<long>(i + kModversionNameLen), 'A');
        return ok_status();
    };
}

EditFn this_module_name(std::vector<std::string_view> candidates) {
    return [candidates](Rng& rng, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        if (d.size() < kThisModuleNameOffset + kThisModuleNameLen) return make_error("struct module too small for name[]");
        std::string_view name = candidates[rng.below(candidates.size())];
        uint8_t* p = d.data() + kThisModuleNameOffset;
        std::fill(p, p + kThisModuleNameLen, 0);
        std::copy(name.begin(), name.end(), p);
        return ok_status();
    };
}

EditFn this_module_unterminate() {
    return [](Rng&, const ElfView&, size_t, std::span<uint8_t> d) -> Status {
        if (d.size() < kThisModuleNameOffset + kThisModuleNameLen) return make_error("struct module too small for name[]");
        uint8_t* p = d.data() + kThisModuleNameOffset;
        size_t len = strnlen(reinterpret_cast<const char*>(p), kThisModuleNameLen);
        for (size_t i = len; i < kThisModuleNameLen; ++i) p[i] = static_cast<uint8_t>('a' + i % 26);
        return ok_status();
    };
}

EditFn symbol_field(SymPick pick, size_t field, size_t width, ValueFn value) {
    return [pick, field, width, value](Rng& rng, const ElfView& v, size_t idx, std::span<uint8_t> d) -> Status {
        auto syms = v.symbols();
        if (!syms) return syms.error();
        std::vector<size_t> c;
        for (size_t i = 1; i < syms->size(); ++i) {
            const Symbol& s = (*syms)[i];
            bool undef = s.raw.shndx == kShnUndef;
            bool ok = pick == SymPick::init_module       ? s.name == "init_module"
                      : pick == SymPick::defined_global  ? !undef && s.raw.bind() != kStbLocal && s.raw.shndx < kShnLoreserve
                      : pick == SymPick::undefined_named ? undef && !s.name.empty()
                                                         : !s.name.empty();
            if (ok) c.push_back(i);
        }
        if (c.empty()) return make_error("no symbol fits");
        size_t i = c[rng.below(c.size())];
        uint64_t off = i * kSymSize + field;
        Bytes tmp(d.begin(), d.end());
        uint64_t old = get_le(d, off, width);
        uint64_t nv = value(rng, FieldCtx{v.image(), v, idx, old});
        if (nv == old) return make_error("symbol field already has that value");
        put_le(tmp, off, nv, width);
        std::copy(tmp.begin(), tmp.end(), d.begin());
        return ok_status();
    };
}

EditFn rela_field(size_t field, size_t width, ValueFn value, RelaTypeFilter type_ok) {
    return [field, width, value, type_ok](Rng& rng, const ElfView& v, size_t idx, std::span<uint8_t> d) -> Status {
        std::vector<size_t> c;
        for (size_t i = 0; i < d.size() / kRelaSize; ++i)
            if (!type_ok || type_ok(static_cast<uint32_t>(get_le(d, i * kRelaSize + 8, 4)))) c.push_back(i);
        if (c.empty()) return make_error("relocation section has no relocation to edit");
        uint64_t off = c[rng.below(c.size())] * kRelaSize + field;
        uint64_t old = get_le(d, off, width);
        uint64_t nv = value(rng, FieldCtx{v.image(), v, idx, old});
        if (nv == old) return make_error("relocation field already has that value");
        for (size_t i = 0; i < width; ++i) d[off + i] = static_cast<uint8_t>(nv >> (8 * i));
        return ok_status();
    };
}

EditFn rela_type(ValueFn type) { return rela_field(8, 4, std::move(type)); }

EditFn rela_symbol(ValueFn sym) { return rela_field(12, 4, std::move(sym)); }

Selector rela_target_sel() {
    return [](const ElfView& v, Rng& rng) -> Expected<size_t> {
        MH_TRY_ASSIGN(r, rela_sel()(v, rng));
        return static_cast<size_t>(v.section(r).info);
    };
}

EditFn rela_target_nonzero() {
    return [](Rng& rng, const ElfView& v, size_t target, std::span<uint8_t> d) -> Status {
        std::vector<Rela> c;
        for (size_t r : v.sections_of_type(kShtRela)) {
            if (v.section(r).info != target) continue;
            auto relas = v.relocations(r);
            if (!relas) continue;
            for (const auto& rel : *relas) {
                uint64_t w = rel.type() == kRX86_64_64 || rel.type() == kRX86_64_PC64 ? 8 : 4;
                if (rel.offset + w <= d.size()) c.push_back(rel);
            }
        }
        if (c.empty()) return make_error("no relocation with an in-bounds target");
        const Rela& rel = c[rng.below(c.size())];
        d[rel.offset] ^= 0x01;  // the loader insists the bytes it will write are zero
        return ok_status();
    };
}

}  // namespace mh::elf::malform
