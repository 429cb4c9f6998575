// THE malformation catalogue: every row (id, intent, contract.md §3 id, tags, apply, verify) in one table.
#include <algorithm>
#include <cstring>

#include "harness/elf/malform/malformation.h"
#include "harness/elf/malform/rows.h"

namespace mh::elf {

using namespace malform;

namespace {

constexpr uint64_t kLarge = 1ull << 40;

ValueFn rnd_except(uint64_t mask, uint64_t except) {
    return [mask, except](Rng& rng, const FieldCtx&) {
        uint64_t v;
        do v = rng.next() & mask;
        while (v == except || v == 0);
        return v;
    };
}
ValueFn rnd_nonzero(uint64_t mask) { return rnd_except(mask, 0); }
ValueFn add(uint64_t k) {
    return [k](Rng&, const FieldCtx& c) { return c.old + k; };
}
ValueFn or_flags(uint64_t f) {
    return [f](Rng&, const FieldCtx& c) { return c.old | f; };
}
ValueFn clear_flags(uint64_t f) {
    return [f](Rng&, const FieldCtx& c) { return c.old & ~f; };
}
ValueFn one_of(std::vector<uint64_t> vals) {
    return [vals](Rng& rng, const FieldCtx&) { return vals[rng.below(vals.size())]; };
}
ValueFn image_size_plus(uint64_t max_extra) {
    return [max_extra](Rng& rng, const FieldCtx& c) { return c.image.size() + rng.below(max_extra + 1); };
}
ValueFn shnum_plus(uint64_t max_extra) {
    return [max_extra](Rng& rng, const FieldCtx& c) { return c.view.section_count() + rng.below(max_extra + 1); };
}
ValueFn section_size_of(std::string_view which) {  // size of the section header string table / strtab
    return [which](Rng& rng, const FieldCtx& c) -> uint64_t {
        size_t idx = c.view.header().shstrndx;
        if (which == "strtab") {
            auto st = c.view.symtab_index();
            idx = st.ok() ? c.view.section(*st).link : idx;
        }
        return (idx < c.view.section_count() ? c.view.section(idx).size : 0) + rng.below(256);
    };
}
Selector section0() {
    return [](const ElfView& v, Rng&) -> Expected<size_t> {
        if (v.section_count() == 0) return make_error("image has no sections");
        return size_t{0};
    };
}
Selector writable_alloc_sel() {
    return [](const ElfView& v, Rng& rng) -> Expected<size_t> {
        std::vector<size_t> c;
        for (size_t i = 1; i < v.section_count(); ++i)
            if ((v.section(i).flags & kShfAlloc) && (v.section(i).flags & kShfWrite) && !(v.section(i).flags & kShfExecinstr))
                c.push_back(i);
        if (c.empty()) return make_error("image has no writable ALLOC section");
        return c[rng.below(c.size())];
    };
}
ValueFn index_of_nonalloc() {
    return [](Rng& rng, const FieldCtx& c) -> uint64_t {
        auto i = nonalloc_sel()(c.view, rng);
        return i.ok() ? *i : c.view.header().shstrndx;
    };
}
ValueFn index_of_modinfo() {
    return [](Rng&, const FieldCtx& c) -> uint64_t { return c.view.find_section(".modinfo").value_or(c.view.header().shstrndx); };
}
ValueFn nsyms_plus(uint64_t max_extra) {
    return [max_extra](Rng& rng, const FieldCtx& c) -> uint64_t {
        auto st = c.view.symtab_index();
        uint64_t n = st.ok() ? c.view.section(*st).size / kSymSize : 0;
        return n + rng.below(max_extra + 1);
    };
}
ValueFn target_size_plus(uint64_t extra) {
    return [extra](Rng& rng, const FieldCtx& c) -> uint64_t {
        uint32_t t = c.view.section(c.index).info;
        uint64_t n = t < c.view.section_count() ? c.view.section(t).size : 0;
        return n + extra + rng.below(4096);
    };
}
ValueFn shoff_overrun() {
    return [](Rng& rng, const FieldCtx& c) -> uint64_t {
        uint64_t table = c.view.section_count() * kShdrSize;
        return c.image.size() - table + 1 + rng.below(kShdrSize - 1);
    };
}

Expected<uint64_t> cut_in_table(std::span<const uint8_t> img, Rng& rng) {
    MH_TRY_ASSIGN(v, lenient_view(img));
    if (v.section_count() == 0) return make_error("image has no section table");
    return v.header().shoff + 1 + rng.below(v.section_count() * kShdrSize - 1);
}
Expected<uint64_t> cut_in_sections(std::span<const uint8_t> img, Rng& rng) {
    MH_TRY_ASSIGN(v, lenient_view(img));
    uint64_t hi = v.header().shoff > kEhdrSize && v.header().shoff < img.size() ? v.header().shoff : img.size();
    if (hi <= kEhdrSize + 1) return make_error("no section data before the table");
    return kEhdrSize + 1 + rng.below(hi - kEhdrSize - 1);
}

Bytes random_bytes(Rng& rng, size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng.next());
    return b;
}

Malformation signed_only(Malformation m) {
    m.needs_signed_input = true;
    return m;
}
Malformation wrapper(Malformation m, Compression c) {
    m.wrapper = c;
    return m;
}

VerifyFn sig_errno_is(std::string_view want) {
    return verify_sig([want](const SignatureTrailer& t) -> Status {
        if (t.precheck_errno() != want)
            return make_error("precheck says '" + t.precheck_errno() + "', expected '" + std::string(want) + "'");
        return ok_status();
    });
}

std::vector<Malformation> build_catalogue() {
    namespace eo = ehdr_off;
    namespace so = shdr_off;
    const Tags H = {"header"}, HA = {"header", "accepted"}, S = {"section"}, SO = {"section", "oops-risk"};
    std::vector<Malformation> t;
    auto ident = [](size_t i, ValueFn v) { return std::vector<FieldSet>{{i, 1, std::move(v)}}; };
    auto field = [](size_t off, size_t w, ValueFn v) { return std::vector<FieldSet>{{off, w, std::move(v)}}; };

    // ---- ELF header (contract §3.6 E1–E4) ----
    t.push_back(ehdr_fields("ehdr-bad-magic", "one byte of the \\x7fELF magic changed", "E1", H, field(0, 4, [](Rng& r, const FieldCtx& c) {
                                return c.old ^ (uint64_t{1 + r.below(255)} << (8 * r.below(4)));
                            })));
    t.push_back(ehdr_fields("ehdr-type-exec", "e_type = ET_EXEC", "E1", H, field(eo::type, 2, fixed(kEtExec))));
    t.push_back(ehdr_fields("ehdr-type-dyn", "e_type = ET_DYN", "E1", H, field(eo::type, 2, fixed(kEtDyn))));
    t.push_back(ehdr_fields("ehdr-type-core", "e_type = ET_CORE", "E1", H, field(eo::type, 2, fixed(kEtCore))));
    t.push_back(ehdr_fields("ehdr-type-none", "e_type = ET_NONE", "E1", H, field(eo::type, 2, fixed(kEtNone))));
    t.push_back(ehdr_fields("ehdr-type-os", "e_type = 0xfe00 (ET_LOOS)", "E1", H, field(eo::type, 2, fixed(0xfe00))));
    t.push_back(ehdr_fields("ehdr-machine-i386", "e_machine = EM_386", "E1", H, field(eo::machine, 2, fixed(3))));
    t.push_back(ehdr_fields("ehdr-machine-aarch64", "e_machine = EM_AARCH64", "E1", H, field(eo::machine, 2, fixed(183))));
    t.push_back(ehdr_fields("ehdr-machine-random", "e_machine = random value other than EM_X86_64", "E1", H,
                            field(eo::machine, 2, rnd_except(0xffff, kEmX86_64))));
    t.push_back(ehdr_fields("ehdr-class-32", "e_ident[EI_CLASS] = ELFCLASS32 (not checked by x86-64)", "E2", HA,
                            ident(kEiClass, fixed(kElfClass32))));
    t.push_back(ehdr_fields("ehdr-class-none", "e_ident[EI_CLASS] = ELFCLASSNONE", "E2", HA, ident(kEiClass, fixed(0))));
    t.push_back(ehdr_fields("ehdr-data-msb", "e_ident[EI_DATA] = ELFDATA2MSB", "E2", HA, ident(kEiData, fixed(kElfData2Msb))));
    t.push_back(ehdr_fields("ehdr-data-none", "e_ident[EI_DATA] = ELFDATANONE", "E2", HA, ident(kEiData, fixed(0))));
    t.push_back(ehdr_fields("ehdr-ei-version", "e_ident[EI_VERSION] = 0", "E2", HA, ident(kEiVersion, fixed(0))));
    t.push_back(ehdr_fields("ehdr-osabi", "e_ident[EI_OSABI] = random non-zero", "E2", HA, ident(kEiOsabi, rnd_nonzero(0xff))));
    t.push_back(
        ehdr_fields("ehdr-abiversion", "e_ident[EI_ABIVERSION] = random non-zero", "E2", HA, ident(kEiAbiVersion, rnd_nonzero(0xff))));
    t.push_back(ehdr_fields("ehdr-ident-pad", "e_ident[EI_PAD..15] = random bytes", "E2", HA, field(kEiPad, 7, rnd_nonzero(~0ull))));
    t.push_back(ehdr_fields("ehdr-version-zero", "e_version = EV_NONE", "E2", HA, field(eo::version, 4, fixed(0))));
    t.push_back(ehdr_fields("ehdr-version-random", "e_version = random", "E2", HA, field(eo::version, 4, rnd_except(0xffffffff, 1))));
    t.push_back(ehdr_fields("ehdr-entry", "e_entry = random address", "E2", HA, field(eo::entry, 8, rnd_nonzero(~0ull))));
    t.push_back(ehdr_fields("ehdr-phdrs-bogus", "e_phoff/e_phnum/e_phentsize describe a program header table that is not there", "E2", HA,
                            {{eo::phoff, 8, rnd_nonzero(~0ull)}, {eo::phnum, 2, rnd_nonzero(0xffff)}, {eo::phentsize, 2, fixed(56)}}));
    t.push_back(
        ehdr_fields("ehdr-ehsize", "e_ehsize = random value other than 64", "E2", HA, field(eo::ehsize, 2, rnd_except(0xffff, 64))));
    t.push_back(ehdr_fields("ehdr-flags", "e_flags = random non-zero", "E2", HA, field(eo::flags, 4, rnd_nonzero(0xffffffff))));
    t.push_back(ehdr_fields("ehdr-shentsize-small", "e_shentsize = 40 (the ELF32 size)", "E3", H, field(eo::shentsize, 2, fixed(40))));
    t.push_back(ehdr_fields("ehdr-shentsize-large", "e_shentsize = 128", "E3", H, field(eo::shentsize, 2, fixed(128))));
    t.push_back(ehdr_fields("ehdr-shentsize-zero", "e_shentsize = 0", "E3", H, field(eo::shentsize, 2, fixed(0))));
    t.push_back(ehdr_fields("ehdr-shoff-past-end", "e_shoff at or beyond the end of the image", "E3", H,
                            field(eo::shoff, 8, image_size_plus(4096))));
    t.push_back(ehdr_fields("ehdr-shoff-overrun", "section header table starts inside the image but runs past its end", "E3", H,
                            field(eo::shoff, 8, shoff_overrun())));
    t.push_back(ehdr_fields("ehdr-shoff-wrap", "e_shoff + e_shnum*64 wraps around 2^64", "E3", H, field(eo::shoff, 8, fixed(~0ull - 63))));
    t.push_back(
        ehdr_fields("ehdr-shoff-zero", "e_shoff = 0: the ELF header is read as section headers", "E3", H, field(eo::shoff, 8, fixed(0))));
    t.push_back(ehdr_fields("ehdr-shoff-misaligned", "e_shoff moved by 1..7 bytes: every section header is misread", "E3", SO,
                            field(eo::shoff, 8, [](Rng& r, const FieldCtx& c) { return c.old + 1 + r.below(7); })));
    t.push_back(custom("ehdr-shoff-in-sig-trailer", "section header table only present inside an appended signature blob", "E3",
                       {"header", "signature"}, shoff_in_sig_trailer(), verify_shoff_in_sig_trailer()));
    t.push_back(ehdr_fields("ehdr-shnum-zero", "e_shnum = 0", "E4", H, field(eo::shnum, 2, fixed(0))));
    t.push_back(
        ehdr_fields("ehdr-shnum-huge", "e_shnum = 0xffff: the table overruns the image", "E3", H, field(eo::shnum, 2, fixed(0xffff))));
    t.push_back(ehdr_fields("ehdr-shnum-plus-one", "e_shnum one larger than the table: the last entry is whatever follows", "E3", SO,
                            field(eo::shnum, 2, add(1))));
    t.push_back(ehdr_fields("ehdr-shnum-minus-one", "e_shnum one smaller: the last section (often .shstrtab) disappears", "E4", H,
                            field(eo::shnum, 2, [](Rng&, const FieldCtx& c) { return c.old - 1; })));
    t.push_back(ehdr_fields("ehdr-shstrndx-zero", "e_shstrndx = SHN_UNDEF", "E4", H, field(eo::shstrndx, 2, fixed(0))));
    t.push_back(
        ehdr_fields("ehdr-shstrndx-eq-shnum", "e_shstrndx = e_shnum (one past the end)", "E4", H, field(eo::shstrndx, 2, shnum_plus(0))));
    t.push_back(ehdr_fields("ehdr-shstrndx-xindex", "e_shstrndx = 0xffff (SHN_XINDEX without extended numbering)", "E4", H,
                            field(eo::shstrndx, 2, fixed(0xffff))));
    t.push_back(ehdr_fields("ehdr-shstrndx-strtab", "e_shstrndx points at the symbol string table: every section name is wrong", "E7", H,
                            field(eo::shstrndx, 2, [](Rng&, const FieldCtx& c) -> uint64_t {
                                auto st = c.view.symtab_index();
                                return st.ok() ? c.view.section(*st).link : 0;
                            })));
    // ---- section 0 (E5) ----
    t.push_back(custom("shdr0-extended-numbering", "e_shnum = 0 with the real count in shdr[0].sh_size (ELF extended numbering)", "E5",
                       {"header", "section"}, extended_numbering(), verify_extended_numbering()));
    t.push_back(shdr_fields("shdr0-nonzero-type", "section 0 has sh_type = SHT_PROGBITS", "E5", S, section0(),
                            field(so::type, 4, fixed(kShtProgbits))));
    t.push_back(shdr_fields("shdr0-nonzero-size", "section 0 has a non-zero sh_size", "E5", S, section0(),
                            field(so::size, 8, rnd_nonzero(0xffff))));
    t.push_back(
        shdr_fields("shdr0-nonzero-addr", "section 0 has a non-zero sh_addr", "E5", S, section0(), field(so::addr, 8, rnd_nonzero(~0ull))));
    t.push_back(shdr_fields("shdr0-nonzero-flags", "section 0 has SHF_ALLOC|SHF_EXECINSTR", "E5", S, section0(),
                            field(so::flags, 8, fixed(kShfAlloc | kShfExecinstr))));
    // ---- section geometry (E6) ----
    t.push_back(shdr_fields("section-offset-past-end", "a PROGBITS section's sh_offset is beyond the image", "E6", S, progbits_sel(),
                            field(so::offset, 8, image_size_plus(4096))));
    t.push_back(shdr_fields(
        "section-size-past-end", "a PROGBITS section's sh_size runs past the end of the image", "E6", S, progbits_sel(),
        field(so::size, 8, [](Rng& r, const FieldCtx& c) { return c.image.size() - c.view.section(c.index).offset + 1 + r.below(64); })));
    t.push_back(shdr_fields("section-offset-wrap", "sh_offset + sh_size wraps around 2^64", "E6", S, progbits_sel(),
                            field(so::offset, 8, [](Rng&, const FieldCtx& c) { return ~0ull - c.view.section(c.index).size / 2; })));
    t.push_back(shdr_fields("section-size-huge", "a PROGBITS section's sh_size = 2^63 + random", "E6", S, progbits_sel(),
                            field(so::size, 8, [](Rng& r, const FieldCtx&) { return (1ull << 63) + r.below(1u << 20); })));
    t.push_back(shdr_fields("section-offset-into-header", "a PROGBITS section's sh_offset = 0 (its contents are the ELF header)", "E6", SO,
                            progbits_sel(), field(so::offset, 8, fixed(0))));
    // ---- section header string table (E7–E11) ----
    t.push_back(shdr_fields("shstrtab-size-zero", ".shstrtab sh_size = 0", "E7", {"section", "strtab"}, shstrtab_sel(),
                            field(so::size, 8, fixed(0))));
    t.push_back(section_edit("shstrtab-no-trailing-nul", "last byte of .shstrtab is not NUL", "E7", {"section", "strtab"}, shstrtab_sel(),
                             set_byte_at_end('X')));
    t.push_back(shdr_fields("shstrtab-out-of-bounds", ".shstrtab sh_offset beyond the image", "E7", {"section", "strtab"}, shstrtab_sel(),
                            field(so::offset, 8, image_size_plus(4096))));
    t.push_back(shdr_fields("shstrtab-type-progbits", ".shstrtab retyped SHT_PROGBITS, contents intact", "E8",
                            {"section", "strtab", "record"}, shstrtab_sel(), field(so::type, 4, fixed(kShtProgbits))));
    t.push_back(shdr_fields("shstrtab-type-nobits-huge-offset", ".shstrtab retyped SHT_NOBITS with sh_offset = 2^62", "E9",
                            {"section", "strtab", "oops-risk"}, shstrtab_sel(),
                            {{so::type, 4, fixed(kShtNobits)}, {so::offset, 8, fixed(1ull << 62)}}));
    t.push_back(shdr_fields("section-name-oob-nonalloc", "sh_name of a non-ALLOC section beyond .shstrtab", "E10",
                            {"section", "strtab", "record"}, nonalloc_sel(), field(so::name, 4, section_size_of("shstrtab"))));
    t.push_back(shdr_fields("section-name-oob-alloc", "sh_name of an ALLOC section beyond .shstrtab", "E11", {"section", "strtab"},
                            alloc_sel(), field(so::name, 4, section_size_of("shstrtab"))));
    // ---- sizes, alignment, NOBITS (E12) and W+X (E13) ----
    t.push_back(shdr_fields("nobits-size-huge", "a NOBITS section (.bss) of 2^40 bytes", "E12", {"section", "nobits"}, nobits_sel(),
                            field(so::size, 8, fixed(kLarge))));
    t.push_back(shdr_fields("nobits-size-wrap32", "a NOBITS section just under 4 GiB: the 32-bit layout size wraps", "E12",
                            {"section", "nobits"}, nobits_sel(),
                            field(so::size, 8, [](Rng& r, const FieldCtx&) { return 0xfffff000ull + r.below(0x1000); })));
    t.push_back(shdr_fields("section-addralign-huge", "an ALLOC section with sh_addralign = 2^40", "E12", S, alloc_sel(),
                            field(so::addralign, 8, fixed(kLarge))));
    t.push_back(shdr_fields("section-addralign-not-pow2", "an ALLOC section with a sh_addralign that is not a power of two", "E12", S,
                            alloc_sel(), field(so::addralign, 8, one_of({3, 5, 6, 7, 12, 24, 48, 96}))));
    t.push_back(shdr_fields("section-wx-text", "an executable section also gets SHF_WRITE", "E13", {"section", "wx"}, exec_sel(),
                            field(so::flags, 8, or_flags(kShfWrite))));
    t.push_back(shdr_fields("section-wx-data", "a writable ALLOC section also gets SHF_EXECINSTR", "E13", {"section", "wx"},
                            writable_alloc_sel(), field(so::flags, 8, or_flags(kShfExecinstr))));
    t.push_back(shdr_fields("section-wx-nonalloc", "a non-ALLOC section gets SHF_WRITE|SHF_EXECINSTR", "E13", {"section", "wx"},
                            nonalloc_sel(), field(so::flags, 8, or_flags(kShfWrite | kShfExecinstr))));
    t.push_back(custom("section-wx-new", "a new SHF_ALLOC|SHF_WRITE|SHF_EXECINSTR section .mh_wx", "E13", {"section", "wx"},
                       append_section_row(".mh_wx", kShtProgbits, kShfAlloc | kShfWrite | kShfExecinstr, Bytes(16, 0xcc)),
                       verify_appended(".mh_wx", kShfAlloc | kShfWrite | kShfExecinstr)));
    // ---- symbol table and its strings (M1–M5) ----
    const Tags ST = {"symtab"};
    t.push_back(shdr_fields("symtab-remove", "the SHT_SYMTAB section retyped SHT_PROGBITS", "M1", ST, symtab_sel(),
                            field(so::type, 4, fixed(kShtProgbits))));
    t.push_back(custom("symtab-duplicate", "a second SHT_SYMTAB section (a copy of the first)", "M2", {"symtab", "duplicate", "record"},
                       duplicate_symtab(), verify_two_symtabs()));
    t.push_back(shdr_fields("symtab-link-zero", "symtab sh_link = 0", "M3", ST, symtab_sel(), field(so::link, 4, fixed(0))));
    t.push_back(shdr_fields("symtab-link-oob", "symtab sh_link >= e_shnum", "M3", ST, symtab_sel(), field(so::link, 4, shnum_plus(8))));
    t.push_back(shdr_fields("symtab-link-progbits", "symtab sh_link points at .modinfo (a PROGBITS section)", "M4", {"symtab", "record"},
                            symtab_sel(), field(so::link, 4, index_of_modinfo())));
    t.push_back(shdr_fields("symtab-size-unaligned", "symtab sh_size not a multiple of sizeof(Elf64_Sym)", "M3", {"symtab", "record"},
                            symtab_sel(),
                            field(so::size, 8, [](Rng& r, const FieldCtx& c) { return c.old - kSymSize + 1 + r.below(kSymSize - 1); })));
    t.push_back(shdr_fields("symtab-info-oob", "symtab sh_info (first global) beyond the symbol count", "M3", {"symtab", "record"},
                            symtab_sel(), field(so::info, 4, nsyms_plus(100))));
    t.push_back(section_edit("strtab-no-leading-nul", "first byte of the symbol string table is not NUL", "M5", {"symtab", "strtab"},
                             strtab_sel(), set_byte_at_start('X')));
    t.push_back(section_edit("strtab-no-trailing-nul", "last byte of the symbol string table is not NUL", "M5",
                             {"symtab", "strtab", "oops-risk"}, strtab_sel(), set_byte_at_end('X')));
    t.push_back(shdr_fields("strtab-size-zero", "symbol string table sh_size = 0", "M5", {"symtab", "strtab", "oops-risk"}, strtab_sel(),
                            field(so::size, 8, fixed(0))));
    t.push_back(section_edit("symbol-name-oob", "a symbol's st_name beyond the symbol string table", "M5", {"symbol", "oops-risk"},
                             symtab_sel(), symbol_field(SymPick::any_named, 0, 4, section_size_of("strtab"))));
    // ---- .gnu.linkonce.this_module (M6–M8, M17) ----
    const std::string_view kThis = ".gnu.linkonce.this_module";
    const Tags TM = {"special", "this_module"};
    t.push_back(custom("this-module-rename", ".gnu.linkonce.this_module renamed (the loader cannot find struct module)", "M6", TM,
                       rename_section(kThis, ".gnu.linkonce.this_modulX"), verify_renamed(kThis, ".gnu.linkonce.this_modulX")));
    t.push_back(shdr_fields("this-module-no-alloc", ".gnu.linkonce.this_module without SHF_ALLOC", "M6", TM, named(kThis),
                            field(so::flags, 8, clear_flags(kShfAlloc))));
    t.push_back(shdr_fields("this-module-size-small", ".gnu.linkonce.this_module sh_size smaller than sizeof(struct module)", "M7",
                            {"special", "this_module", "record"}, named(kThis),
                            field(so::size, 8, [](Rng& r, const FieldCtx& c) { return c.old - 8 - 8 * r.below(c.old / 16); })));
    t.push_back(shdr_fields("this-module-size-large", ".gnu.linkonce.this_module sh_size larger than sizeof(struct module)", "M7",
                            {"special", "this_module", "record"}, named(kThis), field(so::size, 8, add(64))));
    t.push_back(shdr_fields("this-module-nobits", ".gnu.linkonce.this_module retyped SHT_NOBITS", "M7",
                            {"special", "this_module", "record"}, named(kThis), field(so::type, 4, fixed(kShtNobits))));
    t.push_back(custom("this-module-duplicate", "a second .gnu.linkonce.this_module section", "M8",
                       {"special", "this_module", "duplicate", "record"}, duplicate_section(kThis), verify_duplicated(kThis)));
    t.push_back(section_edit("this-module-name-builtin", "struct module name = a built-in with /sys/module/<name> (printk, module, kernel)",
                             "M17", TM, named(kThis), this_module_name({"printk", "module", "kernel"})));
    t.push_back(
        section_edit("this-module-name-empty", "struct module name is the empty string", "M17", TM, named(kThis), this_module_name({""})));
    t.push_back(section_edit("this-module-name-unterminated", "struct module name[56] has no NUL", "M17",
                             {"special", "this_module", "oops-risk"}, named(kThis), this_module_unterminate()));
    // ---- .modinfo (M9–M13, M18) ----
    const Tags MI = {"special", "modinfo"};
    t.push_back(custom("modinfo-duplicate", "a second identical .modinfo section", "M9", {"special", "modinfo", "duplicate", "record"},
                       duplicate_section(".modinfo"), verify_duplicated(".modinfo")));
    t.push_back(custom("modinfo-duplicate-conflicting", "a second .modinfo whose vermagic differs from the first", "M9",
                       {"special", "modinfo", "duplicate", "record"},
                       duplicate_section(".modinfo",
                                         [](Bytes& d) {
                                             static constexpr char key[] = "vermagic=";
                                             auto it = std::search(d.begin(), d.end(), key, key + 9);
                                             if (it != d.end() && it + 9 != d.end()) *(it + 9) = 'X';
                                         }),
                       verify_duplicated(".modinfo")));
    t.push_back(custom("modinfo-remove", ".modinfo renamed away: no vermagic, no license (force-load path)", "M10", MI,
                       rename_section(".modinfo", ".modinfo_removed"), verify_renamed(".modinfo", ".modinfo_removed")));
    t.push_back(shdr_fields("modinfo-nobits", ".modinfo retyped SHT_NOBITS", "M10", {"special", "modinfo", "record"}, named(".modinfo"),
                            field(so::type, 4, fixed(kShtNobits))));
    t.push_back(section_edit("modinfo-unterminated", "last .modinfo string not NUL-terminated (never checked by the kernel)", "M10",
                             {"special", "modinfo", "oops-risk"}, named(".modinfo"), set_byte_at_end('X')));
    t.push_back(section_edit("vermagic-flags-changed", "vermagic changed after the first space (SMP/preempt/mod_unload/modversions words)",
                             "M11", {"special", "modinfo", "vermagic"}, named(".modinfo"), vermagic_flip(false)));
    t.push_back(section_edit("vermagic-release-changed", "vermagic changed only in the kernel release prefix", "M12",
                             {"special", "modinfo", "vermagic"}, named(".modinfo"), vermagic_flip(true)));
    t.push_back(section_edit("vermagic-missing", "vermagic= key renamed (force-load path)", "M10", {"special", "modinfo", "vermagic"},
                             named(".modinfo"), modinfo_rename_key("vermagic")));
    t.push_back(custom("vermagic-empty", "vermagic= with an empty value", "M11", {"special", "modinfo", "vermagic"},
                       rebuild_modinfo([](auto& kv) -> Status {
                           for (auto& [k, v] : kv)
                               if (k == "vermagic") {
                                   if (v.empty()) return make_error("vermagic already empty");
                                   v.clear();
                                   return ok_status();
                               }
                           return make_error(".modinfo has no vermagic=");
                       }),
                       verify_modinfo([](const auto& e) -> Status {
                           auto v = modinfo_value(e, "vermagic");
                           if (!v || !v->empty()) return make_error("vermagic not empty");
                           return ok_status();
                       })));
    t.push_back(custom("modinfo-livepatch", "livepatch=Y added to .modinfo", "M13", MI, rebuild_modinfo([](auto& kv) -> Status {
                           kv.emplace_back("livepatch", "Y");
                           return ok_status();
                       }),
                       verify_modinfo([](const auto& e) -> Status {
                           if (modinfo_value(e, "livepatch") != "Y") return make_error("no livepatch=Y");
                           return ok_status();
                       })));
    t.push_back(section_edit("modinfo-name-mismatch", "modinfo name= differs from struct module name", "M18", MI, named(".modinfo"),
                             modinfo_change_value("name")));
    t.push_back(custom("modinfo-license-proprietary", "license=Proprietary: GPL-only imports become unresolvable", "R2", MI,
                       rebuild_modinfo([](auto& kv) -> Status {
                           for (auto& [k, v] : kv)
                               if (k == "license") {
                                   v = "Proprietary";
                                   return ok_status();
                               }
                           kv.emplace_back("license", "Proprietary");
                           return ok_status();
                       }),
                       verify_modinfo([](const auto& e) -> Status {
                           if (modinfo_value(e, "license") != "Proprietary") return make_error("license not Proprietary");
                           return ok_status();
                       })));
    t.push_back(section_edit("modinfo-license-missing", "license= key renamed (taints; GPL-only imports fail)", "R2", MI, named(".modinfo"),
                             modinfo_rename_key("license")));
    // ---- __versions (M14–M16, M19) ----
    const Tags VE = {"special", "versions"};
    t.push_back(custom("versions-remove", "__versions renamed away (force-load path)", "M14", VE,
                       rename_section("__versions", "__versions_removed"), verify_renamed("__versions", "__versions_removed")));
    t.push_back(section_edit("versions-no-module-layout", "the module_layout entry renamed", "M15", VE, named("__versions"),
                             versions_rename("module_layout")));
    t.push_back(section_edit("versions-bad-module-layout-crc", "one bit of module_layout's CRC flipped", "M15", VE, named("__versions"),
                             versions_crc_flip(true)));
    t.push_back(section_edit("versions-bad-symbol-crc", "one bit of an imported symbol's CRC flipped", "M16", VE, named("__versions"),
                             versions_crc_flip(false)));
    t.push_back(section_edit("versions-name-unterminated", "a __versions name[56] without NUL (never checked)", "M15",
                             {"special", "versions", "oops-risk"}, named("__versions"), versions_unterminate()));
    t.push_back(shdr_fields("versions-truncated-entry", "__versions sh_size not a multiple of 64", "M15", {"special", "versions", "record"},
                            named("__versions"), field(so::size, 8, [](Rng& r, const FieldCtx& c) { return c.old - 1 - r.below(63); })));
    t.push_back(custom("versions-duplicate", "a second __versions section", "M15", {"special", "versions", "duplicate", "record"},
                       duplicate_section("__versions"), verify_duplicated("__versions")));
    t.push_back(custom("version-ext-crcs-only", "__version_ext_crcs without __version_ext_names", "M19", VE,
                       append_section_row("__version_ext_crcs", kShtProgbits, kShfAlloc, Bytes(8, 0x5a)),
                       verify_appended("__version_ext_crcs", kShfAlloc)));
    // ---- symbols (R1, R3, R4, R7) ----
    const Tags SY = {"symbol"};
    t.push_back(custom("symbol-undefined-unknown", "an imported symbol renamed to one the kernel does not export", "R1", SY,
                       undefined_unknown_symbol(false), verify_undefined_unknown_symbol(false)));
    t.push_back(custom("symbol-undefined-unknown-weak", "a weak import of a symbol nobody exports (ignored by the loader)", "R1", SY,
                       undefined_unknown_symbol(true), verify_undefined_unknown_symbol(true)));
    t.push_back(section_edit("symbol-shn-common", "init_module's st_shndx = SHN_COMMON", "R3", SY, symtab_sel(),
                             symbol_field(SymPick::init_module, 6, 2, fixed(kShnCommon))));
    t.push_back(section_edit("symbol-shndx-oob", "a defined symbol's st_shndx >= e_shnum (not a special index)", "R4", SY, symtab_sel(),
                             symbol_field(SymPick::defined_global, 6, 2, shnum_plus(16))));
    t.push_back(section_edit("symbol-shndx-xindex", "a defined symbol's st_shndx = SHN_XINDEX", "R4", SY, symtab_sel(),
                             symbol_field(SymPick::defined_global, 6, 2, fixed(kShnXindex))));
    t.push_back(section_edit("symbol-shndx-abs", "init_module becomes SHN_ABS (mod->init points at its raw st_value)", "R7",
                             {"symbol", "oops-risk"}, symtab_sel(), symbol_field(SymPick::init_module, 6, 2, fixed(kShnAbs))));
    t.push_back(section_edit("symbol-value-huge", "init_module's st_value moved 2^40 past its section", "R7", {"symbol", "oops-risk"},
                             symtab_sel(), symbol_field(SymPick::init_module, 8, 8, add(kLarge))));
    // ---- relocations (R5–R7) ----
    const Tags RE = {"relocation"};
    t.push_back(section_edit("rela-type-unknown", "a relocation of a type x86-64 modules do not support", "R5", RE, rela_sel(),
                             rela_type([](Rng& r, const FieldCtx&) { return 43 + r.below(200); })));
    t.push_back(section_edit("rela-type-32-overflow", "a relocation retyped R_X86_64_32: module addresses overflow it", "R5", RE,
                             rela_sel(), rela_type(fixed(kRX86_64_32))));
    // Only 32-bit forms: a 64-bit one would accept the huge addend and leave a wild pointer.
    auto is32 = [](uint32_t ty) { return ty == kRX86_64_PC32 || ty == kRX86_64_PLT32 || ty == kRX86_64_32 || ty == kRX86_64_32S; };
    t.push_back(section_edit("rela-addend-huge", "a 32-bit relocation's addend + 2^40: the result overflows", "R5", RE, rela_sel(is32),
                             rela_field(16, 8, add(kLarge), is32)));
    t.push_back(section_edit("rela-nonzero-target", "the bytes a relocation will write are not zero", "R5", RE, rela_target_sel(),
                             rela_target_nonzero()));
    t.push_back(shdr_fields("rela-info-oob", "a RELA section's sh_info (target) >= e_shnum: silently skipped", "R6",
                            {"relocation", "oops-risk"}, rela_sel(), field(so::info, 4, shnum_plus(100))));
    t.push_back(shdr_fields("rela-info-nonalloc", "a RELA section targets a non-ALLOC section: silently skipped", "R6",
                            {"relocation", "oops-risk"}, rela_sel(), field(so::info, 4, index_of_nonalloc())));
    t.push_back(shdr_fields("rela-link-zero", "a RELA section's sh_link = 0 (the loader uses its own symtab index)", "R6",
                            {"relocation", "record"}, rela_sel(), field(so::link, 4, fixed(0))));
    t.push_back(shdr_fields("rela-size-unaligned", "a RELA section's sh_size not a multiple of 24", "R6", {"relocation", "record"},
                            rela_sel(), field(so::size, 8, [](Rng& r, const FieldCtx& c) { return c.old + 1 + r.below(kRelaSize - 1); })));
    t.push_back(section_edit("rela-offset-oob", "a relocation r_offset far beyond its target section (unchecked: writes out of bounds)",
                             "R7", {"relocation", "oops-risk"}, rela_sel(), rela_field(0, 8, target_size_plus(1u << 20))));
    t.push_back(section_edit("rela-symbol-oob", "a relocation's symbol index beyond the symbol table (unchecked)", "R7",
                             {"relocation", "oops-risk"}, rela_sel(), rela_symbol(nsyms_plus(1000))));
    // ---- signature trailers (contract §2.6, §3.5 S1–S8) ----
    const Tags SG = {"signature"};
    t.push_back(custom("sig-marker-only", "the file is just the 28-byte signature marker", "S1", SG, sig_marker_only(),
                       [](auto, std::span<const uint8_t> a, uint64_t) -> Status {
                           if (a.size() != kSigMarker.size()) return make_error("not 28 bytes");
                           return ok_status();
                       }));
    t.push_back(custom("sig-short-info", "1..12 bytes then the marker: too short for struct module_signature", "S2", SG, sig_short_info(),
                       [](auto, std::span<const uint8_t> a, uint64_t) -> Status {
                           auto t2 = find_signature(a);
                           if (!t2 || t2->has_info) return make_error("expected a marker without room for the info");
                           return ok_status();
                       }));
    t.push_back(
        custom("sig-len-too-large", "module_signature.sig_len >= the bytes before it", "S3", SG,
               sig_append([](Rng& r, ModuleSignature& s, Bytes& b,
                             std::span<const uint8_t> p) { s.sig_len = static_cast<uint32_t>(p.size() + b.size() + r.below(1024)); },
                          false),
               sig_errno_is("EBADMSG")));
    t.push_back(custom("sig-bad-id-type", "module_signature.id_type != PKEY_ID_PKCS7", "S4", SG,
                       sig_append([](Rng& r, ModuleSignature& s, Bytes&, auto) {
                           s.id_type = static_cast<uint8_t>(r.below(2) ? r.below(2) : 3 + r.below(253));
                       }),
                       sig_errno_is("ENOPKG")));
    t.push_back(custom("sig-nonzero-algo", "module_signature.algo != 0", "S5", SG,
                       sig_append([](Rng& r, ModuleSignature& s, Bytes&, auto) { s.algo = static_cast<uint8_t>(1 + r.below(255)); }),
                       sig_errno_is("EBADMSG")));
    t.push_back(custom("sig-nonzero-hash", "module_signature.hash != 0", "S5", SG,
                       sig_append([](Rng& r, ModuleSignature& s, Bytes&, auto) { s.hash = static_cast<uint8_t>(1 + r.below(255)); }),
                       sig_errno_is("EBADMSG")));
    t.push_back(custom("sig-nonzero-signer-len", "module_signature.signer_len != 0", "S5", SG,
                       sig_append([](Rng& r, ModuleSignature& s, Bytes&, auto) { s.signer_len = static_cast<uint8_t>(1 + r.below(255)); }),
                       sig_errno_is("EBADMSG")));
    t.push_back(custom("sig-nonzero-key-id-len", "module_signature.key_id_len != 0", "S5", SG,
                       sig_append([](Rng& r, ModuleSignature& s, Bytes&, auto) { s.key_id_len = static_cast<uint8_t>(1 + r.below(255)); }),
                       sig_errno_is("EBADMSG")));
    t.push_back(
        custom("sig-nonzero-pad", "module_signature.__pad[] != 0", "S5", SG,
               sig_append([](Rng& r, ModuleSignature& s, Bytes&, auto) { s.pad[r.below(3)] = static_cast<uint8_t>(1 + r.below(255)); }),
               sig_errno_is("EBADMSG")));
    t.push_back(custom("sig-garbage-pkcs7", "well-formed trailer header around random bytes instead of PKCS#7", "S6", SG,
                       sig_append([](Rng&, ModuleSignature&, Bytes&, auto) {}), sig_errno_is("")));
    t.push_back(custom("sig-empty-blob", "well-formed trailer header with sig_len = 0", "S6", SG,
                       sig_append([](Rng&, ModuleSignature&, Bytes& b, auto) { b.clear(); }), sig_errno_is("")));
    t.push_back(signed_only(custom("sig-payload-modified", "a signed module changed after signing (one e_ident padding bit)", "S8",
                                   {"signature", "needs-signed"}, sig_payload_modified(), verify_sig_payload_modified())));
    t.push_back(custom("sig-marker-not-at-end", "the marker followed by one more byte: not a signature any more", "B6",
                       {"signature", "junk"},
                       append_row(
                           [](auto, Rng& r) {
                               Bytes b = bytes_of(kSigMarker);
                               b.push_back(static_cast<uint8_t>(r.next()));
                               return b;
                           },
                           false),
                       verify_appended_tail(false)));
    // ---- truncation and trailing junk (B1, B6, B7, F16) ----
    const Tags TR = {"truncation"}, JK = {"junk"};
    t.push_back(custom("truncate-empty", "a zero-byte image", "B1", TR, truncate_row([](auto, Rng&) -> Expected<uint64_t> { return 0; }),
                       verify_truncated()));
    t.push_back(custom("truncate-to-63", "the first 63 bytes (one short of an ELF header)", "B1", TR,
                       truncate_row([](auto, Rng&) -> Expected<uint64_t> { return 63; }), verify_truncated()));
    t.push_back(custom("truncate-short-header", "1..62 bytes of the module", "F16", TR,
                       truncate_row([](auto, Rng& r) -> Expected<uint64_t> { return 1 + r.below(62); }), verify_truncated()));
    t.push_back(custom("truncate-to-64", "only the ELF header", "B7", TR, truncate_row([](auto, Rng&) -> Expected<uint64_t> { return 64; }),
                       verify_truncated()));
    t.push_back(custom("truncate-in-section-table", "cut inside the section header table", "B7", TR, truncate_row(cut_in_table),
                       verify_truncated()));
    t.push_back(
        custom("truncate-in-sections", "cut inside the section contents", "B7", TR, truncate_row(cut_in_sections), verify_truncated()));
    t.push_back(custom("truncate-last-byte", "the last byte missing", "B7", TR,
                       truncate_row([](std::span<const uint8_t> i, Rng&) -> Expected<uint64_t> { return i.size() - 1; }),
                       verify_truncated()));
    t.push_back(custom("trailing-junk", "1..4096 random bytes appended", "B6", JK,
                       append_row([](auto, Rng& r) { return random_bytes(r, 1 + r.below(4096)); }, false), verify_appended_tail(false)));
    t.push_back(custom("trailing-zeros", "4 KiB of zeros appended", "B6", JK, append_row([](auto, Rng&) { return Bytes(4096, 0); }, false),
                       verify_appended_tail(false)));
    t.push_back(custom("trailing-partial-marker", "the first 27 bytes of the signature marker appended", "B6", {"junk", "signature"},
                       append_row([](auto, Rng&) { return bytes_of(kSigMarker.substr(0, kSigMarker.size() - 1)); }, false),
                       verify_appended_tail(false)));
    t.push_back(custom("trailing-junk-after-signature", "junk after an existing trailer (the signature is no longer seen)", "B6", JK,
                       append_row([](auto, Rng& r) { return random_bytes(r, 1 + r.below(64)); }, true), verify_appended_tail(true)));
    // ---- compression wrappers for finit_module(MODULE_INIT_COMPRESSED_FILE) (G2–G5) ----
    const Tags CZ = {"compression"};
    t.push_back(wrapper(custom("wrap-xz", "valid xz stream (CRC32 check, as kmod writes)", "G5", CZ, wrap(Compression::xz, WrapMode::valid),
                               verify_wrap(Compression::xz, WrapMode::valid)),
                        Compression::xz));
    t.push_back(wrapper(custom("wrap-xz-truncated", "xz stream cut short", "G4", CZ, wrap(Compression::xz, WrapMode::truncated),
                               verify_wrap(Compression::xz, WrapMode::truncated)),
                        Compression::xz));
    t.push_back(wrapper(custom("wrap-xz-corrupt", "xz stream with one flipped bit", "G4", CZ, wrap(Compression::xz, WrapMode::corrupt),
                               verify_wrap(Compression::xz, WrapMode::corrupt)),
                        Compression::xz));
    t.push_back(wrapper(custom("wrap-xz-trailing-junk", "valid xz stream followed by 16 junk bytes", "G4", CZ,
                               wrap(Compression::xz, WrapMode::trailing_junk), verify_wrap(Compression::xz, WrapMode::trailing_junk)),
                        Compression::xz));
    t.push_back(wrapper(custom("wrap-xz-crc64", "valid xz stream with a CRC64 check", "G5", CZ,
                               wrap(Compression::xz, WrapMode::valid, XzCheck::crc64), verify_wrap(Compression::xz, WrapMode::valid)),
                        Compression::xz));
    t.push_back(wrapper(custom("wrap-xz-sha256", "valid xz stream with a SHA-256 check", "G5", CZ,
                               wrap(Compression::xz, WrapMode::valid, XzCheck::sha256), verify_wrap(Compression::xz, WrapMode::valid)),
                        Compression::xz));
    t.push_back(wrapper(custom("wrap-xz-no-check", "valid xz stream without an integrity check", "G5", CZ,
                               wrap(Compression::xz, WrapMode::valid, XzCheck::none), verify_wrap(Compression::xz, WrapMode::valid)),
                        Compression::xz));
    t.push_back(wrapper(custom("wrap-gzip", "valid gzip stream (kernels with gzip module decompression)", "G3", CZ,
                               wrap(Compression::gzip, WrapMode::valid), verify_wrap(Compression::gzip, WrapMode::valid)),
                        Compression::gzip));
    t.push_back(wrapper(custom("wrap-gzip-truncated", "gzip stream cut short", "G3", CZ, wrap(Compression::gzip, WrapMode::truncated),
                               verify_wrap(Compression::gzip, WrapMode::truncated)),
                        Compression::gzip));
    t.push_back(wrapper(custom("wrap-gzip-corrupt", "gzip stream with one flipped bit", "G3", CZ,
                               wrap(Compression::gzip, WrapMode::corrupt), verify_wrap(Compression::gzip, WrapMode::corrupt)),
                        Compression::gzip));
    t.push_back(wrapper(custom("wrap-zstd", "valid zstd stream (kernels with zstd module decompression)", "G3", CZ,
                               wrap(Compression::zstd, WrapMode::valid), verify_wrap(Compression::zstd, WrapMode::valid)),
                        Compression::zstd));
    t.push_back(wrapper(custom("wrap-zstd-truncated", "zstd stream cut short", "G3", CZ, wrap(Compression::zstd, WrapMode::truncated),
                               verify_wrap(Compression::zstd, WrapMode::truncated)),
                        Compression::zstd));
    t.push_back(wrapper(custom("wrap-zstd-corrupt", "zstd stream with one flipped bit", "G3", CZ,
                               wrap(Compression::zstd, WrapMode::corrupt), verify_wrap(Compression::zstd, WrapMode::corrupt)),
                        Compression::zstd));
    // ---- generic byte mutators for fuzzers ----
    const Tags GE = {"generic"};
    t.push_back(custom("gen-bit-flip", "flip one random bit", "fuzz", GE, bit_flip(), verify_one_bit()));
    t.push_back(
        custom("gen-byte-random", "replace one byte with a different random value", "fuzz", GE, byte_random(), verify_same_size_changed()));
    t.push_back(
        custom("gen-byte-interesting", "set one byte to 0/1/0x7f/0x80/0xff", "fuzz", GE, byte_interesting(), verify_same_size_changed()));
    t.push_back(custom("gen-u16-interesting", "set an aligned 16-bit word to a boundary value", "fuzz", GE, word_interesting(2),
                       verify_same_size_changed()));
    t.push_back(custom("gen-u32-interesting", "set an aligned 32-bit word to a boundary value", "fuzz", GE, word_interesting(4),
                       verify_same_size_changed()));
    t.push_back(custom("gen-u64-interesting", "set an aligned 64-bit word to a boundary value", "fuzz", GE, word_interesting(8),
                       verify_same_size_changed()));
    t.push_back(custom("gen-insert-bytes", "insert 1..16 random bytes", "fuzz", GE, bytes_insert(), verify_size_changed()));
    t.push_back(custom("gen-delete-bytes", "delete 1..16 bytes", "fuzz", GE, bytes_delete(), verify_size_changed()));
    t.push_back(
        custom("gen-duplicate-chunk", "copy a chunk of up to 64 bytes elsewhere", "fuzz", GE, chunk_duplicate(), verify_size_changed()));
    t.push_back(custom("gen-swap-chunks", "swap two non-overlapping chunks", "fuzz", GE, chunk_swap(), verify_same_size_changed()));
    t.push_back(custom("gen-havoc", "2..7 stacked generic mutations", "fuzz", GE, havoc(),
                       [](std::span<const uint8_t> b, std::span<const uint8_t> a, uint64_t) -> Status {
                           if (std::equal(b.begin(), b.end(), a.begin(), a.end())) return make_error("nothing changed");
                           return ok_status();
                       }));
    t.push_back(custom("gen-shdr-table-bit-flip", "flip one bit inside the section header table", "fuzz", {"generic", "section"},
                       region_bit_flip(true), verify_one_bit()));
    t.push_back(custom("gen-section-bit-flip", "flip one bit inside a PROGBITS section's contents", "fuzz", GE, region_bit_flip(false),
                       verify_one_bit()));
    // ---- x86 unwind tables (M20); appended here because row ids are stable ----
    // module_finalize() keeps the last section of each name, so a second, empty .orc_unwind
    // makes unwind_module_init() see N .orc_unwind_ip entries against a 0-byte .orc_unwind.
    t.push_back(custom("orc-unwind-duplicate-empty", "a second, empty .orc_unwind section: the ORC tables' sizes disagree", "M20",
                       {"special", "arch"}, append_section_row(".orc_unwind", kShtProgbits, kShfAlloc, {}),
                       verify_appended(".orc_unwind", kShfAlloc)));
    return t;
}

}  // namespace

bool Malformation::has_tag(std::string_view tag) const { return std::find(tags.begin(), tags.end(), tag) != tags.end(); }

const std::vector<Malformation>& malformation_catalogue() {
    static const std::vector<Malformation> catalogue = build_catalogue();
    return catalogue;
}

const Malformation* find_malformation(std::string_view id) {
    for (const auto& m : malformation_catalogue())
        if (m.id == id) return &m;
    return nullptr;
}

Expected<Bytes> apply_malformation(std::string_view id, std::span<const uint8_t> image, uint64_t seed) {
    const Malformation* m = find_malformation(id);
    if (!m) return make_error("unknown malformation '" + std::string(id) + "' (see modharness malformations)");
    auto r = m->apply(image, seed);
    if (!r) return make_error(std::string(id) + ": " + r.error().message);
    return r;
}

Expected<Bytes> apply_malformations(const std::vector<std::string>& ids, std::span<const uint8_t> image, uint64_t seed) {
    Bytes cur(image.begin(), image.end());
    Rng rng(seed);
    for (const auto& id : ids) {
        MH_TRY_ASSIGN(next, apply_malformation(id, cur, rng.next()));
        cur = std::move(next);
    }
    return cur;
}

}  // namespace mh::elf
