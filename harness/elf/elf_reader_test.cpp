// Unit tests for the checked reader, decompression, signature trailers and module_name().
#include <gtest/gtest.h>

#include "harness/elf/compression.h"
#include "harness/elf/reader.h"
#include "harness/elf/signature.h"
#include "harness/elf/test_support.h"

namespace mh::elf {
namespace {

TEST(Reader, RealModuleSectionsAndSpecialSections) {
    auto img = test::real_61();
    auto v = ElfView::parse(img);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(v->section_count(), 34u);
    EXPECT_EQ(v->section_name(25).value(), ".gnu.linkonce.this_module");
    auto tm = read_this_module(*v);
    ASSERT_TRUE(tm.ok());
    EXPECT_EQ(tm->name, "xt_comment");
    EXPECT_EQ(tm->size, 0x380u);
    auto mi = read_modinfo(*v);
    ASSERT_TRUE(mi.ok());
    EXPECT_EQ(modinfo_value(*mi, "vermagic").value(), "6.1.0-56-cloud-amd64 SMP preempt mod_unload modversions ");
    EXPECT_EQ(modinfo_value(*mi, "license").value(), "GPL");
    auto vers = read_versions(*v);
    ASSERT_TRUE(vers.ok());
    ASSERT_EQ(vers->entries.size(), 5u);
    EXPECT_EQ(vers->entries[4].name, "module_layout");
    EXPECT_EQ(vers->entries[4].crc, 0xa351f379u);
    auto syms = v->symbols();
    ASSERT_TRUE(syms.ok());
    bool found = false;
    for (const auto& s : *syms) found |= s.name == "init_module";
    EXPECT_TRUE(found);
    auto rel = v->relocations(26);
    ASSERT_TRUE(rel.ok());
    ASSERT_EQ(rel->size(), 2u);
    EXPECT_EQ((*rel)[0].offset, 0x138u);
    EXPECT_EQ((*syms)[(*rel)[0].sym()].name, "init_module");
}

TEST(Reader, ModuleNameHandlesCompressedAndSigned) {
    EXPECT_EQ(module_name(test::real_61()).value(), "xt_comment");
    EXPECT_EQ(module_name(test::real_612_xz()).value(), "xt_comment");
    EXPECT_EQ(module_name(test::synthetic()).value(), "mh_synth");
}

TEST(Reader, SignatureTrailerOfRealModule) {
    auto img = test::real_61();
    auto t = find_signature(img);
    ASSERT_TRUE(t.has_value());
    EXPECT_TRUE(t->has_info);
    EXPECT_TRUE(t->sig_len_ok);
    EXPECT_EQ(t->info.id_type, kPkeyIdPkcs7);
    EXPECT_EQ(t->info.sig_len, 0x2a9u);
    EXPECT_EQ(t->precheck_errno(), "");
    EXPECT_LT(strip_signature(img).size(), img.size());
    EXPECT_FALSE(find_signature(test::synthetic()).has_value());
}

TEST(Reader, CompressionRoundTrips) {
    auto plain = decompress(test::real_612_xz());
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    for (Compression c : {Compression::xz, Compression::gzip, Compression::zstd}) {
        auto z = compress(*plain, c);
        ASSERT_TRUE(z.ok());
        EXPECT_EQ(detect_compression(*z), c);
        auto back = decompress(*z);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, *plain);
        auto cut = std::vector<uint8_t>(z->begin(), z->begin() + static_cast<long>(z->size() / 2));
        EXPECT_FALSE(decompress(cut).ok()) << compression_name(c);
    }
}

TEST(Reader, RefusesGarbageWithMessages) {
    std::vector<uint8_t> small(10, 0);
    auto r = ElfView::parse(small);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("64"), std::string::npos);
    auto img = test::synthetic();
    img[18] = 3;  // e_machine = EM_386
    r = ElfView::parse(img);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("e_machine"), std::string::npos);
    EXPECT_TRUE(ElfView::parse(img, ReadOptions{.require_x86_64_rel = false}).ok());
    img = test::synthetic();
    img[60] = 0xff;  // e_shnum huge: table overruns
    r = ElfView::parse(img);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("e_shnum"), std::string::npos);
}

TEST(Reader, EveryTruncationIsAnErrorOrAView) {
    auto img = test::real_61();
    for (size_t n = 0; n < img.size(); n += 7) {
        std::span<const uint8_t> cut(img.data(), n);
        auto v = ElfView::parse(cut);
        if (!v) continue;
        for (size_t i = 0; i < v->section_count(); ++i) {
            (void)v->section_name(i);
            (void)v->section_data(i);
        }
        (void)v->symbols();
        (void)read_modinfo(*v);
        (void)read_versions(*v);
        (void)read_this_module(*v);
    }
}

}  // namespace
}  // namespace mh::elf
