// Structural rows: sections duplicated, renamed or appended; modinfo rebuilt; header tables moved.
#include <algorithm>

#include "harness/elf/builders.h"
#include "harness/elf/malform/rows.h"

namespace mh::elf::malform {

Status sections_preserved(std::span<const uint8_t> before, std::span<const uint8_t> after, std::vector<size_t> skip) {
    MH_TRY_ASSIGN(a, lenient_view(payload(before)));
    MH_TRY_ASSIGN(b, lenient_view(after));
    if (b.section_count() < a.section_count())
        return make_error("section count dropped from " + std::to_string(a.section_count()) + " to " + std::to_string(b.section_count()));
    for (size_t i = 1; i < a.section_count(); ++i) {
        if (i == a.header().shstrndx || std::find(skip.begin(), skip.end(), i) != skip.end()) continue;
        Shdr x = a.section(i), y = b.section(i);
        auto na = a.section_name(i), nb = b.section_name(i);
        if (na.ok() != nb.ok() || (na.ok() && *na != *nb)) return make_error("section " + std::to_string(i) + " name changed");
        x.offset = y.offset = 0;  // data may move; contents are compared below
        x.name = y.name = 0;
        if (!(x == y)) return make_error("section " + std::to_string(i) + " header changed");
        auto da = a.section_data(i), db = b.section_data(i);
        if (da.ok() != db.ok()) return make_error("section " + std::to_string(i) + " readability changed");
        if (da.ok() && !std::equal(da->begin(), da->end(), db->begin(), db->end()))
            return make_error("section " + std::to_string(i) + " contents changed");
    }
    return ok_status();
}

ApplyFn duplicate_section(std::string_view name, std::function<void(Bytes&)> tweak) {
    return [name, tweak](std::span<const uint8_t> image, uint64_t) -> Expected<Bytes> {
        MH_TRY_ASSIGN(spec, spec_from_image(payload(image)));
        long i = find_spec_section(spec, name);
        if (i <= 0) return make_error("image has no section named " + std::string(name));
        SectionSpec copy = spec.sections[static_cast<size_t>(i)];
        if (tweak) tweak(copy.data);
        append_section(spec, name, copy.hdr, copy.data);
        return emit(spec);
    };
}

VerifyFn verify_duplicated(std::string_view name) {
    return [name](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        MH_TRY(sections_preserved(before, after));
        MH_TRY_ASSIGN(b, lenient_view(after));
        auto n = b.find_sections(name).size();
        if (n != 2) return make_error(std::string(name) + " appears " + std::to_string(n) + " times, expected 2");
        return ok_status();
    };
}

ApplyFn rename_section(std::string_view name, std::string_view new_name) {
    return [name, new_name](std::span<const uint8_t> image, uint64_t) -> Expected<Bytes> {
        MH_TRY_ASSIGN(spec, spec_from_image(payload(image)));
        long i = find_spec_section(spec, name);
        if (i <= 0) return make_error("image has no section named " + std::string(name));
        // A new string, not an in-place edit: ld shares suffixes (".rela.X" holds "X").
        uint32_t off = add_section_name(spec, new_name);
        spec.sections[static_cast<size_t>(i)].hdr.name = off;
        spec.sections[static_cast<size_t>(i)].name = std::string(new_name);
        return emit(spec);
    };
}

VerifyFn verify_renamed(std::string_view name, std::string_view new_name) {
    return [name, new_name](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        MH_TRY_ASSIGN(a, lenient_view(payload(before)));
        auto idx = a.find_section(name);
        if (!idx) return make_error("input has no " + std::string(name));
        MH_TRY(sections_preserved(before, after, {*idx}));
        MH_TRY_ASSIGN(b, lenient_view(after));
        if (b.find_section(name)) return make_error(std::string(name) + " still present");
        auto n = b.section_name(*idx);
        if (!n || *n != new_name) return make_error("section " + std::to_string(*idx) + " not renamed to " + std::string(new_name));
        return ok_status();
    };
}

ApplyFn append_section_row(std::string_view name, uint32_t type, uint64_t flags, Bytes data) {
    return [name, type, flags, data](std::span<const uint8_t> image, uint64_t) -> Expected<Bytes> {
        MH_TRY_ASSIGN(spec, spec_from_image(payload(image)));
        Shdr h;
        h.type = type;
        h.flags = flags;
        h.addralign = 8;
        append_section(spec, name, h, data);
        return emit(spec);
    };
}

VerifyFn verify_appended(std::string_view name, uint64_t flags) {
    return [name, flags](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        MH_TRY(sections_preserved(before, after));
        MH_TRY_ASSIGN(b, lenient_view(after));
        auto i = b.find_section(name);
        if (!i) return make_error(std::string(name) + " not found");
        if (b.section(*i).flags != flags) return make_error(std::string(name) + " has wrong flags");
        return ok_status();
    };
}

ApplyFn duplicate_symtab() {
    return [](std::span<const uint8_t> image, uint64_t) -> Expected<Bytes> {
        MH_TRY_ASSIGN(spec, spec_from_image(payload(image)));
        MH_TRY_ASSIGN(v, lenient_view(payload(image)));
        MH_TRY_ASSIGN(st, v.symtab_index());
        SectionSpec copy = spec.sections[st];
        append_section(spec, ".symtab2", copy.hdr, copy.data);
        return emit(spec);
    };
}

VerifyFn verify_two_symtabs() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        MH_TRY(sections_preserved(before, after));
        MH_TRY_ASSIGN(b, lenient_view(after));
        if (b.sections_of_type(kShtSymtab).size() != 2) return make_error("expected two SHT_SYMTAB sections");
        return ok_status();
    };
}

ApplyFn extended_numbering() {
    return [](std::span<const uint8_t> image, uint64_t) -> Expected<Bytes> {
        auto img = payload(image);
        MH_TRY_ASSIGN(v, lenient_view(img));
        if (v.section_count() == 0) return make_error("image has no sections");
        Bytes out(img.begin(), img.end());
        put_le(out, ehdr_off::shnum, 0, 2);
        put_le(out, shdr_pos(v, 0, shdr_off::size), v.section_count(), 8);
        return out;
    };
}

VerifyFn verify_extended_numbering() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        auto img = payload(before);
        MH_TRY_ASSIGN(v, lenient_view(img));
        MH_TRY(changed_only_within(img, after, {{ehdr_off::shnum, 2}, {shdr_pos(v, 0, shdr_off::size), 8}}));
        if (get_le(after, shdr_pos(v, 0, shdr_off::size), 8) != v.section_count()) return make_error("shdr[0].sh_size != count");
        return ok_status();
    };
}

ApplyFn shoff_in_sig_trailer() {
    return [](std::span<const uint8_t> image, uint64_t) -> Expected<Bytes> {
        auto img = payload(image);
        MH_TRY_ASSIGN(v, lenient_view(img));
        if (v.section_count() == 0) return make_error("image has no sections");
        uint64_t table = v.section_count() * kShdrSize;
        auto t = img.subspan(v.header().shoff, table);
        Bytes head(img.begin(), img.end());
        put_le(head, ehdr_off::shoff, img.size(), 8);  // the copy starts right after the payload
        ModuleSignature sig;
        return append_signature(head, t, sig);
    };
}

VerifyFn verify_shoff_in_sig_trailer() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        auto img = payload(before);
        auto t = find_signature(after);
        if (!t || !t->sig_len_ok) return make_error("no well-formed signature trailer");
        if (t->payload_size != img.size()) return make_error("payload size changed");
        if (get_le(after, ehdr_off::shoff, 8) != t->signature_offset) return make_error("e_shoff does not point into the signature");
        return changed_only_within(img, after.first(img.size()), {{ehdr_off::shoff, 8}});
    };
}

ApplyFn rebuild_modinfo(ModinfoEdit edit) {
    return [edit](std::span<const uint8_t> image, uint64_t) -> Expected<Bytes> {
        auto img = payload(image);
        MH_TRY_ASSIGN(v, lenient_view(img));
        MH_TRY_ASSIGN(entries, read_modinfo(v));
        std::vector<std::pair<std::string, std::string>> kv;
        for (const auto& e : entries) kv.emplace_back(std::string(e.key), std::string(e.value));
        MH_TRY(edit(kv));
        MH_TRY_ASSIGN(spec, spec_from_image(img));
        set_section_data(spec, *v.find_section(".modinfo"), build_modinfo(kv));
        return emit(spec);
    };
}

VerifyFn verify_modinfo(std::function<Status(const std::vector<ModinfoEntry>&)> check) {
    return [check](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        MH_TRY_ASSIGN(a, lenient_view(payload(before)));
        MH_TRY(sections_preserved(before, after, {*a.find_section(".modinfo")}));
        MH_TRY_ASSIGN(b, lenient_view(after));
        MH_TRY_ASSIGN(entries, read_modinfo(b));
        return check(entries);
    };
}

namespace {

Expected<uint32_t> pick_undefined(const ElfView& v, const std::vector<Symbol>& syms, Rng& rng) {
    std::vector<uint32_t> c;
    for (uint32_t i = 1; i < syms.size(); ++i)
        if (syms[i].raw.shndx == kShnUndef && !syms[i].name.empty()) c.push_back(i);
    (void)v;
    if (c.empty()) return make_error("image has no named undefined symbol");
    return c[rng.below(c.size())];
}

}  // namespace

ApplyFn undefined_unknown_symbol(bool weak) {
    return [weak](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto img = payload(image);
        MH_TRY_ASSIGN(v, lenient_view(img));
        MH_TRY_ASSIGN(syms, v.symbols());
        Rng rng(seed);
        MH_TRY_ASSIGN(si, pick_undefined(v, syms, rng));
        MH_TRY_ASSIGN(st, v.symtab_index());
        size_t str = v.section(st).link;
        MH_TRY_ASSIGN(spec, spec_from_image(img));
        Bytes strtab = spec.sections[str].data;
        std::string name = "mh_no_such_symbol_" + std::to_string(rng.below(1000000));
        uint32_t off = static_cast<uint32_t>(strtab.size());
        append_chars(strtab, name);
        strtab.push_back(0);
        set_section_data(spec, str, std::move(strtab));
        uint8_t* p = spec.sections[st].data.data() + si * kSymSize;
        store_le(p, off);
        if (weak) p[4] = static_cast<uint8_t>((kStbWeak << 4) | (p[4] & 0xf));
        return emit(spec);
    };
}

VerifyFn verify_undefined_unknown_symbol(bool weak) {
    return [weak](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t seed) -> Status {
        MH_TRY_ASSIGN(a, lenient_view(payload(before)));
        MH_TRY_ASSIGN(st, a.symtab_index());
        MH_TRY(sections_preserved(before, after, {st, a.section(st).link}));
        MH_TRY_ASSIGN(sa, a.symbols());
        Rng rng(seed);
        MH_TRY_ASSIGN(si, pick_undefined(a, sa, rng));
        MH_TRY_ASSIGN(b, lenient_view(after));
        MH_TRY_ASSIGN(sb, b.symbols());
        if (sb.size() != sa.size()) return make_error("symbol count changed");
        for (size_t i = 0; i < sa.size(); ++i) {
            bool same = sa[i].name == sb[i].name && sa[i].raw.shndx == sb[i].raw.shndx && sa[i].raw.info == sb[i].raw.info;
            if (i != si && !same) return make_error("symbol " + std::to_string(i) + " changed");
        }
        if (sb[si].name.rfind("mh_no_such_symbol_", 0) != 0) return make_error("symbol not renamed");
        if (weak != (sb[si].raw.bind() == kStbWeak)) return make_error("binding wrong");
        return ok_status();
    };
}

}  // namespace mh::elf::malform
