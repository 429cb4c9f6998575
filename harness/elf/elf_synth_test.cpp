// Unit tests for profile extraction, the profile text format and module synthesis.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/elf/profile.h"
#include "harness/elf/reader.h"
#include "harness/elf/signature.h"
#include "harness/elf/synth.h"
#include "harness/elf/test_support.h"

namespace mh::elf {
namespace {

TEST(Profile, ExtractFromDebian61AndText) {
    auto p = extract_profile(test::real_61(), "xt_comment.ko");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->release, "6.1.0-56-cloud-amd64");
    EXPECT_EQ(p->this_module_size, 0x380u);
    EXPECT_EQ(p->init_offset, 0x138u);
    EXPECT_EQ(p->exit_offset, 0x350u);
    EXPECT_FALSE(p->ibt);
    EXPECT_TRUE(p->rethunk);
    ASSERT_NE(p->crc("module_layout"), nullptr);
    EXPECT_EQ(p->crc("module_layout")->crc, 0xa351f379u);
    auto back = profile_from_text(profile_to_text(*p));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->vermagic, p->vermagic);
    EXPECT_EQ(back->crcs.size(), p->crcs.size());
}

TEST(Profile, ExtractFromDebian612HasIbt) {
    auto p = extract_profile(test::real_612_xz(), "xt_comment.ko.xz");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_TRUE(p->ibt);
    EXPECT_EQ(p->this_module_size, 0x500u);
    EXPECT_EQ(p->exit_offset, 0x4b0u);
}

TEST(Profile, BadTextIsAnError) {
    EXPECT_FALSE(profile_from_text("vermagic unquoted\n").ok());
    EXPECT_FALSE(profile_from_text("bogus 1\n").ok());
    EXPECT_FALSE(profile_from_text("vermagic \"x\"\nthis_module_size 10\ninit_offset 8\n").ok());
}

TEST(Profile, NumbersAreStrictAndBounded) {
    // Found by fuzz/parsers (profile): "-896" was read as 2^64 - 896 and synthesize() then asked
    // for a vector that large; offsets near 2^64 wrapped past the bounds check.
    const std::string base = "vermagic \"6.1.0 SMP \"\nexit_offset 848\n";
    EXPECT_TRUE(profile_from_text(base + "this_module_size 896\ninit_offset 312\n").ok());
    EXPECT_TRUE(profile_from_text(base + "this_module_size 0x380\ninit_offset 0x138\n").ok());
    for (const char* bad : {"this_module_size -896\ninit_offset 312\n", "this_module_size  896\ninit_offset 312\n",
                            "this_module_size +896\ninit_offset 312\n", "this_module_size 0x\ninit_offset 312\n",
                            "this_module_size 99999999999\ninit_offset 312\n", "this_module_size 896\ninit_offset 18446744073709551612\n",
                            "this_module_size 896\ninit_offset 889\n"})
        EXPECT_FALSE(profile_from_text(base + bad).ok()) << bad;
    KernelProfile p = example_profile();
    p.this_module_size = kMaxThisModuleSize + 1;
    EXPECT_FALSE(synthesize(p, SynthOptions{}).ok());
    p = example_profile();
    p.init_offset = ~uint64_t{0} - 3;
    EXPECT_FALSE(synthesize(p, SynthOptions{}).ok());
}

TEST(Synth, ModuleHasEverythingTheLoaderLooksFor) {
    for (Epilogue ep : {Epilogue::automatic, Epilogue::thunk})
        for (bool ibt : {false, true}) {
            SCOPED_TRACE(std::string(ep == Epilogue::thunk ? "thunk" : "ret") + (ibt ? " ibt" : ""));
            auto prof = example_profile();
            prof.ibt = ibt;
            SynthOptions o;
            o.init_ret = -131;
            o.name = "mh_sentinel";
            o.epilogue = ep;
            auto img = emit(synthesize(prof, o).value());
            auto v = ElfView::parse(img);
            ASSERT_TRUE(v.ok()) << v.error().message;
            auto tm = read_this_module(*v).value();
            EXPECT_EQ(tm.name, "mh_sentinel");
            EXPECT_EQ(tm.size, prof.this_module_size);
            auto mi = read_modinfo(*v).value();
            EXPECT_EQ(modinfo_value(mi, "vermagic").value(), prof.vermagic);
            EXPECT_EQ(modinfo_value(mi, "name").value(), "mh_sentinel");
            auto vers = read_versions(*v).value();
            ASSERT_EQ(vers.entries.size(), 2u);
            EXPECT_EQ(vers.entries[0].name, "module_layout");
            EXPECT_EQ(vers.entries[1].name, "__x86_return_thunk");
            // The profile re-extracted from the synthesised module matches the one it was built from.
            auto again = extract_profile(img, "synth").value();
            EXPECT_EQ(again.init_offset, prof.init_offset);
            EXPECT_EQ(again.exit_offset, prof.exit_offset);
            EXPECT_EQ(again.ibt, ibt);
            // init code: [endbr64] mov $-131,%eax; ret | jmp rel32 (to __x86_return_thunk)
            auto text = v->section_data(v->find_section(".init.text").value()).value();
            size_t at = ibt ? 4 : 0;
            ASSERT_GE(text.size(), at + 7);
            EXPECT_EQ(text[at], 0xb8);
            EXPECT_EQ(load_le<int32_t>(text.data() + at + 1), -131);
            EXPECT_EQ(text[at + 5], ep == Epilogue::thunk ? 0xe9 : 0xc3);
            // The thunk form lists both jumps in .return_sites, like real modules, so they get patched.
            EXPECT_EQ(v->find_section(".return_sites").has_value(), ep == Epilogue::thunk);
            if (ep == Epilogue::thunk) {
                auto rs = v->find_sections(".rela.return_sites");
                ASSERT_EQ(rs.size(), 1u);
                auto relas = v->relocations(rs[0]).value();
                ASSERT_EQ(relas.size(), 2u);
                EXPECT_EQ(relas[0].type(), kRX86_64_PC32);
                EXPECT_EQ(relas[0].addend, static_cast<int64_t>(at + 5));  // the jmp opcode
            }
            // No W+X section anywhere.
            for (const auto& s : v->sections()) EXPECT_FALSE((s.flags & kShfWrite) && (s.flags & kShfExecinstr));
        }
}

TEST(Synth, PlainRetImportsOnlyWhatTheKernelExports) {
    SynthOptions o;
    o.epilogue = Epilogue::ret;
    auto img = emit(synthesize(example_profile(), o).value());
    auto v = ElfView::parse(img).value();
    auto syms = v.symbols().value();
    std::vector<std::string> undef;
    for (const auto& s : syms)
        if (s.raw.shndx == kShnUndef && !s.name.empty()) undef.emplace_back(s.name);
    EXPECT_EQ(undef, std::vector<std::string>{"__x86_return_thunk"});
    EXPECT_FALSE(v.find_section(".rela.init.text").has_value());  // code references nothing
    EXPECT_TRUE(v.find_section(".rela.rodata.mh_imports").has_value());
    // A kernel whose reference module does not import the thunk: no imports at all.
    auto prof = example_profile();
    prof.crcs = {*prof.crc("module_layout")};
    auto img2 = emit(synthesize(prof, o).value());
    auto v2 = ElfView::parse(img2).value();
    auto syms2 = v2.symbols().value();
    for (const auto& s : syms2) EXPECT_FALSE(s.raw.shndx == kShnUndef && !s.name.empty()) << s.name;
    EXPECT_EQ(read_versions(v2).value().entries.size(), 1u);
}

}  // namespace
}  // namespace mh::elf

namespace mh::elf {
namespace {

// Every committed profile parses and synthesises a module the reader accepts with that vermagic.
TEST(Profile, CommittedProfilesSynthesise) {
    auto dir = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "corpus" / "profiles";
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() != ".profile") continue;
        ++n;
        auto p = load_profile(e.path().string());
        ASSERT_TRUE(p.ok()) << p.error().message;
        EXPECT_NE(p->crc("module_layout"), nullptr) << e.path();
        EXPECT_NE(p->crc("__x86_return_thunk"), nullptr) << e.path();
        auto img = emit(synthesize(*p, SynthOptions{}).value());
        auto v = ElfView::parse(img).value();
        EXPECT_EQ(modinfo_value(read_modinfo(v).value(), "vermagic").value(), p->vermagic);
        EXPECT_EQ(read_this_module(v).value().size, p->this_module_size);
    }
    EXPECT_GE(n, 2u);
}

}  // namespace
}  // namespace mh::elf

namespace mh::elf {
namespace {

// The synthesised module's special sections look like the real ones of the same kernel:
// same type, flags and alignment; the same struct module size; init/exit relocated the same way.
TEST(Synth, ShapeMatchesRealModulesOfTheSameKernel) {
    for (const auto& real : {test::real_61(), decompress(test::real_612_xz()).value()}) {
        auto prof = extract_profile(real, "real").value();
        auto synth = emit(synthesize(prof, SynthOptions{}).value());
        auto rv = ElfView::parse(strip_signature(real)).value();
        auto sv = ElfView::parse(synth).value();
        for (std::string_view name : {".init.text", ".exit.text", ".modinfo", "__versions", ".gnu.linkonce.this_module",
                                      ".rela.gnu.linkonce.this_module", ".symtab", ".strtab", ".shstrtab", ".bss"}) {
            SCOPED_TRACE(std::string(name));
            auto ri = rv.find_section(name), si = sv.find_section(name);
            ASSERT_TRUE(ri && si);
            const Shdr &r = rv.section(*ri), &s = sv.section(*si);
            EXPECT_EQ(s.type, r.type);
            EXPECT_EQ(s.flags, r.flags);
            // Code alignment differs between builds (6.1: .init.text 1, 6.12: 16); synthesis uses 16.
            if (!(r.flags & kShfExecinstr)) {
                EXPECT_EQ(s.addralign, r.addralign);
            }
            EXPECT_EQ(s.entsize, r.entsize);
            if (name == ".gnu.linkonce.this_module") {
                EXPECT_EQ(s.size, r.size);
            }
        }
        // Both import __x86_return_thunk with the same CRC (the synthesised one copies it).
        auto rvers = read_versions(rv).value(), svers = read_versions(sv).value();
        for (const auto& e : svers.entries) {
            bool found = false;
            for (const auto& x : rvers.entries) found |= x.name == e.name && x.crc == e.crc;
            EXPECT_TRUE(found) << e.name;
        }
    }
}

}  // namespace
}  // namespace mh::elf
