// Builds a minimal valid module from a kernel profile: code bytes, relocations, special sections.
#include "harness/elf/synth.h"

#include "harness/elf/builders.h"

namespace mh::elf {

namespace {

// Function body: optional ENDBR64, optional `mov $imm32,%eax`, then the return sequence. Returns
// the byte offset of the jmp's rel32 field (for the relocation) or -1 for a plain ret.
long emit_function(std::vector<uint8_t>& code, bool ibt, bool set_eax, int32_t value, bool thunk) {
    if (ibt) code.insert(code.end(), {0xf3, 0x0f, 0x1e, 0xfa});
    if (set_eax) {
        auto v = static_cast<uint32_t>(value);
        code.insert(code.end(), {0xb8, static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16),
                                 static_cast<uint8_t>(v >> 24)});
    }
    long reloc = -1;
    if (thunk) {
        code.push_back(0xe9);
        reloc = static_cast<long>(code.size());
        code.insert(code.end(), {0, 0, 0, 0});  // the loader refuses non-zero relocation targets
    } else {
        code.push_back(0xc3);
    }
    code.push_back(0xcc);  // int3: stop straight-line speculation past the return, like gcc -mharden-sls
    return reloc;
}

Shdr hdr(uint32_t type, uint64_t flags, uint64_t align, uint32_t link = 0, uint32_t info = 0, uint64_t entsize = 0) {
    Shdr h;
    h.type = type;
    h.flags = flags;
    h.addralign = align;
    h.link = link;
    h.info = info;
    h.entsize = entsize;
    return h;
}

}  // namespace

KernelProfile example_profile() {
    KernelProfile p;
    p.release = "6.1.0-56-cloud-amd64";
    p.vermagic = "6.1.0-56-cloud-amd64 SMP preempt mod_unload modversions ";
    p.this_module_size = 0x380;
    p.init_offset = 0x138;
    p.exit_offset = 0x350;
    p.rethunk = true;
    p.retpoline = true;
    p.source = "built-in example (Debian 6.1 cloud shape)";
    p.crcs = {{0xbdfb6dbb, "__fentry__", true},
              {0x5b8239ca, "__x86_return_thunk", true},
              {0xf1e562be, "xt_register_match", true},
              {0xf1ec4d86, "xt_unregister_match", true},
              {0xa351f379, "module_layout", true}};
    return p;
}

Expected<ModuleSpec> synthesize(const KernelProfile& p, const SynthOptions& o) {
    if (o.name.empty() || o.name.size() >= kThisModuleNameLen)
        return make_error("synthesize: module name '" + o.name + "' must be 1..55 bytes");
    // A profile may come from any file (extract_profile of a malformed module included): bound the
    // size before allocating it, and compare without additions that could wrap.
    if (p.this_module_size < kThisModuleNameOffset + kThisModuleNameLen || p.this_module_size > kMaxThisModuleSize ||
        p.init_offset > p.this_module_size - 8 || (o.with_exit && (p.exit_offset == 0 || p.exit_offset > p.this_module_size - 8)))
        return make_error("synthesize: profile offsets (init " + std::to_string(p.init_offset) + ", exit " + std::to_string(p.exit_offset) +
                          ") do not fit struct module size " + std::to_string(p.this_module_size));
    const VersionEntry* thunk_crc = p.crc("__x86_return_thunk");
    bool thunk = o.epilogue == Epilogue::thunk;
    // Import the thunk only when a reference module of this kernel did: that proves the export.
    bool import = thunk || (o.imports && thunk_crc != nullptr);

    // Plan the section list first: relocation sections need the symtab index.
    std::vector<std::string> names = {"", ".init.text"};
    if (thunk) names.push_back(".rela.init.text");
    if (o.with_exit) names.push_back(".exit.text");
    if (o.with_exit && thunk) names.push_back(".rela.exit.text");
    if (import) names.insert(names.end(), {".rodata.mh_imports", ".rela.rodata.mh_imports"});
    if (thunk) names.insert(names.end(), {".return_sites", ".rela.return_sites"});
    names.insert(names.end(), {".modinfo", "__versions", ".gnu.linkonce.this_module", ".rela.gnu.linkonce.this_module", ".bss", ".comment",
                               ".symtab", ".strtab", ".shstrtab"});
    auto idx = [&](std::string_view n) {
        for (size_t i = 0; i < names.size(); ++i)
            if (names[i] == n) return static_cast<uint16_t>(i);
        return uint16_t{0};
    };
    const uint16_t kInit = idx(".init.text"), kExit = idx(".exit.text"), kThis = idx(".gnu.linkonce.this_module"), kSymtab = idx(".symtab"),
                   kStrtab = idx(".strtab"), kImports = idx(".rodata.mh_imports");

    std::vector<uint8_t> init_code, exit_code;
    long init_reloc = emit_function(init_code, p.ibt, true, o.init_ret, thunk);
    long exit_reloc = o.with_exit ? emit_function(exit_code, p.ibt, false, 0, thunk) : -1;

    SymtabBuilder syms;
    uint32_t init_sec_sym = syms.add("", kStbLocal, kSttSection, kInit, 0, 0);
    uint32_t exit_sec_sym = o.with_exit ? syms.add("", kStbLocal, kSttSection, kExit, 0, 0) : 0;
    syms.add("__this_module", kStbGlobal, kSttObject, kThis, 0, p.this_module_size);
    uint32_t init_sym = syms.add("init_module", kStbGlobal, kSttFunc, kInit, 0, init_code.size());
    uint32_t exit_sym = o.with_exit ? syms.add("cleanup_module", kStbGlobal, kSttFunc, kExit, 0, exit_code.size()) : 0;
    uint32_t thunk_sym = import ? syms.add("__x86_return_thunk", kStbGlobal, kSttNotype, kShnUndef, 0, 0) : 0;

    std::vector<Rela> init_relas, exit_relas, this_relas, site_relas, import_relas;
    if (init_reloc >= 0) {
        init_relas.push_back({static_cast<uint64_t>(init_reloc), Rela::make_info(thunk_sym, kRX86_64_PLT32), -4});
        // .return_sites: `.long jmp - .` so the loader rewrites the jmp for the running mitigation.
        site_relas.push_back({0, Rela::make_info(init_sec_sym, kRX86_64_PC32), init_reloc - 1});
    }
    if (exit_reloc >= 0) {
        exit_relas.push_back({static_cast<uint64_t>(exit_reloc), Rela::make_info(thunk_sym, kRX86_64_PLT32), -4});
        site_relas.push_back({4 * site_relas.size(), Rela::make_info(exit_sec_sym, kRX86_64_PC32), exit_reloc - 1});
    }
    if (import) import_relas.push_back({0, Rela::make_info(thunk_sym, kRX86_64_PC32), 0});
    this_relas.push_back({p.init_offset, Rela::make_info(init_sym, kRX86_64_64), 0});
    if (o.with_exit) this_relas.push_back({p.exit_offset, Rela::make_info(exit_sym, kRX86_64_64), 0});

    std::vector<std::pair<std::string, std::string>> modinfo = {
        {"license", o.license},
        {"description", "modharness synthesised module (init returns " + std::to_string(o.init_ret) + ")"},
        {"depends", ""}};
    if (p.retpoline) modinfo.push_back({"retpoline", "Y"});
    modinfo.push_back({"name", o.name});
    modinfo.push_back({"vermagic", p.vermagic});

    std::vector<VersionEntry> versions;
    if (const VersionEntry* ml = p.crc("module_layout")) versions.push_back(*ml);
    if (import) versions.push_back(thunk_crc ? *thunk_crc : VersionEntry{0, "__x86_return_thunk", true});

    std::vector<uint8_t> this_module(p.this_module_size, 0);
    std::copy(o.name.begin(), o.name.end(), this_module.begin() + kThisModuleNameOffset);
    std::vector<uint8_t> comment = bytes_of("modharness synth");
    comment.push_back(0);

    ModuleSpec spec;
    spec.ehdr = default_ehdr();
    spec.sections.resize(names.size());
    auto set = [&](std::string_view name, Shdr h, std::vector<uint8_t> data) {
        uint16_t i = idx(name);
        spec.sections[i] = SectionSpec{std::string(name), h, std::move(data)};
    };
    auto rela = [&](std::string_view name, uint16_t target, const std::vector<Rela>& r) {
        set(name, hdr(kShtRela, kShfInfoLink, 8, kSymtab, target, kRelaSize), build_relas(r));
    };
    set(".init.text", hdr(kShtProgbits, kShfAlloc | kShfExecinstr, 16), init_code);
    if (thunk) rela(".rela.init.text", kInit, init_relas);
    if (o.with_exit) set(".exit.text", hdr(kShtProgbits, kShfAlloc | kShfExecinstr, 16), exit_code);
    if (o.with_exit && thunk) rela(".rela.exit.text", kExit, exit_relas);
    if (import) {
        set(".rodata.mh_imports", hdr(kShtProgbits, kShfAlloc, 4), std::vector<uint8_t>(4, 0));
        rela(".rela.rodata.mh_imports", kImports, import_relas);
    }
    if (thunk) {
        set(".return_sites", hdr(kShtProgbits, kShfAlloc, 1), std::vector<uint8_t>(4 * site_relas.size(), 0));
        rela(".rela.return_sites", idx(".return_sites"), site_relas);
    }
    set(".modinfo", hdr(kShtProgbits, kShfAlloc, 1), build_modinfo(modinfo));
    set("__versions", hdr(kShtProgbits, kShfAlloc, 32), build_versions(versions));
    set(".gnu.linkonce.this_module", hdr(kShtProgbits, kShfWrite | kShfAlloc, 64), this_module);
    rela(".rela.gnu.linkonce.this_module", kThis, this_relas);
    set(".bss", hdr(kShtNobits, kShfWrite | kShfAlloc, 1), {});
    set(".comment", hdr(kShtProgbits, kShfMerge | kShfStrings, 1, 0, 0, 1), comment);
    set(".symtab", hdr(kShtSymtab, 0, 8, kStrtab, syms.first_global(), kSymSize), syms.symtab_bytes());
    set(".strtab", hdr(kShtStrtab, 0, 1), syms.strtab_bytes());
    set(".shstrtab", hdr(kShtStrtab, 0, 1), {});
    auto_layout(spec);
    return spec;
}

}  // namespace mh::elf
