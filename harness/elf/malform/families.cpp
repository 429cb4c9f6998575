// Row factories and selectors shared by every catalogue family.
#include "harness/elf/malform/families.h"

#include <algorithm>

#include "harness/common/checked.h"
#include "harness/elf/signature.h"

namespace mh::elf::malform {

uint64_t Rng::next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::span<const uint8_t> payload(std::span<const uint8_t> image) { return strip_signature(image); }

Expected<ElfView> lenient_view(std::span<const uint8_t> image) { return ElfView::parse(image, ReadOptions{.require_x86_64_rel = false}); }

uint64_t get_le(std::span<const uint8_t> b, uint64_t off, size_t width) {
    uint64_t v = 0;
    for (size_t i = 0; i < width && off + i < b.size(); ++i) v |= uint64_t{b[off + i]} << (8 * i);
    return v;
}

void put_le(Bytes& b, uint64_t off, uint64_t value, size_t width) {
    for (size_t i = 0; i < width && off + i < b.size(); ++i) b[off + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t shdr_pos(const ElfView& v, size_t index, size_t field) { return v.header().shoff + index * kShdrSize + field; }

Status changed_only_within(std::span<const uint8_t> before, std::span<const uint8_t> after,
                           const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
    if (before.size() != after.size())
        return make_error("size changed from " + std::to_string(before.size()) + " to " + std::to_string(after.size()));
    bool any = false;
    for (size_t i = 0; i < before.size(); ++i) {
        if (before[i] == after[i]) continue;
        any = true;
        bool inside = std::any_of(ranges.begin(), ranges.end(), [&](auto r) { return i >= r.first && i < r.first + r.second; });
        if (!inside) return make_error("byte " + std::to_string(i) + " changed outside the claimed ranges");
    }
    if (!any) return make_error("nothing changed");
    return ok_status();
}

namespace {

Expected<size_t> pick(const std::vector<size_t>& c, Rng& rng, std::string_view what) {
    if (c.empty()) return make_error("image has no " + std::string(what));
    return c[rng.below(c.size())];
}

bool is_special_table(const ElfView& v, size_t i) {
    const Shdr& s = v.section(i);
    if (i == v.header().shstrndx) return true;
    if (s.type == kShtSymtab || s.type == kShtStrtab || s.type == kShtRela || s.type == kShtRel) return true;
    return false;
}

}  // namespace

Selector named(std::string_view name) {
    return [name](const ElfView& v, Rng&) -> Expected<size_t> {
        auto i = v.find_section(name);
        if (!i) return make_error("image has no section named " + std::string(name));
        return *i;
    };
}

Selector symtab_sel() {
    return [](const ElfView& v, Rng&) { return v.symtab_index(); };
}

Selector strtab_sel() {
    return [](const ElfView& v, Rng&) -> Expected<size_t> {
        MH_TRY_ASSIGN(st, v.symtab_index());
        size_t link = v.section(st).link;
        if (link == 0 || link >= v.section_count()) return make_error("symtab sh_link is not a section");
        return link;
    };
}

Selector shstrtab_sel() {
    return [](const ElfView& v, Rng&) -> Expected<size_t> {
        size_t i = v.header().shstrndx;
        if (i == 0 || i >= v.section_count()) return make_error("e_shstrndx is not a section");
        return i;
    };
}

Selector progbits_sel() {
    return [](const ElfView& v, Rng& rng) {
        std::vector<size_t> c;
        for (size_t i = 1; i < v.section_count(); ++i)
            if (v.section(i).type == kShtProgbits && v.section(i).size > 0 && i != v.header().shstrndx) c.push_back(i);
        return pick(c, rng, "non-empty PROGBITS section");
    };
}

Selector alloc_sel() {
    return [](const ElfView& v, Rng& rng) {
        std::vector<size_t> c;
        for (size_t i = 1; i < v.section_count(); ++i)
            if ((v.section(i).flags & kShfAlloc) && v.section(i).type != kShtNobits) c.push_back(i);
        return pick(c, rng, "SHF_ALLOC section");
    };
}

Selector nonalloc_sel() {
    return [](const ElfView& v, Rng& rng) {
        std::vector<size_t> c;
        for (size_t i = 1; i < v.section_count(); ++i)
            if (!(v.section(i).flags & kShfAlloc) && !is_special_table(v, i)) c.push_back(i);
        return pick(c, rng, "non-ALLOC section besides the symbol/string/relocation tables");
    };
}

Selector nobits_sel() {
    return [](const ElfView& v, Rng& rng) { return pick(v.sections_of_type(kShtNobits), rng, "SHT_NOBITS section"); };
}

Selector exec_sel() {
    return [](const ElfView& v, Rng& rng) {
        std::vector<size_t> c;
        for (size_t i = 1; i < v.section_count(); ++i)
            if (v.section(i).flags & kShfExecinstr) c.push_back(i);
        return pick(c, rng, "SHF_EXECINSTR section");
    };
}

Selector rela_sel(RelaTypeFilter type_ok) {
    return [type_ok](const ElfView& v, Rng& rng) {
        std::vector<size_t> c;
        for (size_t i : v.sections_of_type(kShtRela)) {
            const Shdr& s = v.section(i);
            if (s.size < kRelaSize || s.info >= v.section_count() || !(v.section(s.info).flags & kShfAlloc)) continue;
            if (type_ok) {
                auto relas = v.relocations(i);
                if (!relas || std::none_of(relas->begin(), relas->end(), [&](const Rela& r) { return type_ok(r.type()); })) continue;
            }
            c.push_back(i);
        }
        return pick(c, rng, "non-empty RELA section for an ALLOC section");
    };
}

ValueFn fixed(uint64_t v) {
    return [v](Rng&, const FieldCtx&) { return v; };
}

namespace {

Malformation row(std::string_view id, std::string_view intent, std::string_view cid, Tags tags) {
    Malformation m;
    m.id = id;
    m.intent = intent;
    m.contract_id = cid;
    m.tags = std::move(tags);
    return m;
}

// Writes the field sets at base; error when a value equals what is there (nothing would change).
Expected<Bytes> write_fields(std::span<const uint8_t> img, const ElfView& v, size_t index, uint64_t base, const std::vector<FieldSet>& sets,
                             Rng& rng, std::string_view id) {
    Bytes out(img.begin(), img.end());
    bool changed = false;
    for (const auto& f : sets) {
        uint64_t old = get_le(img, base + f.field, f.width);
        uint64_t nv = f.value(rng, FieldCtx{img, v, index, old});
        if (f.width < 8) nv &= (1ull << (8 * f.width)) - 1;
        changed |= nv != old;
        put_le(out, base + f.field, nv, f.width);
    }
    if (!changed) return make_error(std::string(id) + ": the field already has the value this malformation writes");
    return out;
}

}  // namespace

Malformation ehdr_fields(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, std::vector<FieldSet> sets) {
    Malformation m = row(id, intent, cid, std::move(tags));
    m.apply = [id, sets](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto img = payload(image);
        MH_TRY_ASSIGN(v, lenient_view(img));
        Rng rng(seed);
        return write_fields(img, v, 0, 0, sets, rng, id);
    };
    m.verify = [sets](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        std::vector<std::pair<uint64_t, uint64_t>> r;
        for (const auto& f : sets) r.push_back({f.field, f.width});
        return changed_only_within(payload(before), after, r);
    };
    return m;
}

Malformation shdr_fields(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, Selector sel,
                         std::vector<FieldSet> sets) {
    Malformation m = row(id, intent, cid, std::move(tags));
    m.apply = [id, sel, sets](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto img = payload(image);
        MH_TRY_ASSIGN(v, lenient_view(img));
        Rng rng(seed);
        MH_TRY_ASSIGN(idx, sel(v, rng));
        return write_fields(img, v, idx, shdr_pos(v, idx, 0), sets, rng, id);
    };
    m.verify = [sel, sets](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t seed) -> Status {
        auto img = payload(before);
        MH_TRY_ASSIGN(v, lenient_view(img));
        Rng rng(seed);
        MH_TRY_ASSIGN(idx, sel(v, rng));
        std::vector<std::pair<uint64_t, uint64_t>> r;
        for (const auto& f : sets) r.push_back({shdr_pos(v, idx, f.field), f.width});
        return changed_only_within(img, after, r);
    };
    return m;
}

Malformation section_edit(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, Selector sel, EditFn edit) {
    Malformation m = row(id, intent, cid, std::move(tags));
    m.apply = [sel, edit](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto img = payload(image);
        MH_TRY_ASSIGN(v, lenient_view(img));
        Rng rng(seed);
        MH_TRY_ASSIGN(idx, sel(v, rng));
        MH_TRY_ASSIGN(data, v.section_data(idx));
        Bytes out(img.begin(), img.end());
        std::span<uint8_t> w(out.data() + (data.data() - img.data()), data.size());
        MH_TRY(edit(rng, v, idx, w));
        if (std::equal(out.begin(), out.end(), img.begin())) return make_error("edit changed nothing");
        return out;
    };
    m.verify = [sel](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t seed) -> Status {
        auto img = payload(before);
        MH_TRY_ASSIGN(v, lenient_view(img));
        Rng rng(seed);
        MH_TRY_ASSIGN(idx, sel(v, rng));
        return changed_only_within(img, after, {{v.section(idx).offset, v.section(idx).size}});
    };
    return m;
}

Malformation custom(std::string_view id, std::string_view intent, std::string_view cid, Tags tags, ApplyFn apply, VerifyFn verify) {
    Malformation m = row(id, intent, cid, std::move(tags));
    m.apply = std::move(apply);
    m.verify = std::move(verify);
    return m;
}

}  // namespace mh::elf::malform
