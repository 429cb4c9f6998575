// Unit tests for the module spec: byte-identical round trips, never-failing emit, layout edits.
#include <gtest/gtest.h>

#include "harness/elf/reader.h"
#include "harness/elf/signature.h"
#include "harness/elf/spec.h"
#include "harness/elf/test_support.h"

namespace mh::elf {
namespace {

TEST(Spec, RoundTripRealModules) {
    for (auto img : {test::real_61(), decompress(test::real_612_xz()).value(), test::synthetic()}) {
        auto spec = spec_from_image(img);
        ASSERT_TRUE(spec.ok()) << spec.error().message;
        EXPECT_EQ(emit(*spec), img);
    }
}

TEST(Spec, EmitNeverFailsOnAbsurdFields) {
    auto spec = spec_from_image(test::synthetic()).value();
    spec.ehdr.shoff = ~0ull - 10;
    spec.sections[1].hdr.offset = 1ull << 62;
    spec.sections[2].hdr.size = ~0ull;
    auto out = emit(spec);
    EXPECT_GE(out.size(), 64u);
    EXPECT_LT(out.size(), 1u << 20);
    EXPECT_EQ(load_le<uint64_t>(out.data() + ehdr_off::shoff), ~0ull - 10);
}

TEST(Spec, AppendSectionKeepsOtherSectionsReadable) {
    auto img = test::real_61();
    auto payload = strip_signature(img);
    auto spec = spec_from_image(payload).value();
    Shdr h;
    h.type = kShtProgbits;
    h.flags = kShfAlloc;
    h.addralign = 1;
    size_t idx = append_section(spec, ".mh_new", h, {1, 2, 3});
    auto out = emit(spec);
    auto v = ElfView::parse(out);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(v->section_count(), 35u);
    EXPECT_EQ(v->section_name(idx).value(), ".mh_new");
    EXPECT_EQ(v->section_data(idx).value().size(), 3u);
    auto orig = ElfView::parse(payload).value();
    for (size_t i = 1; i < orig.section_count(); ++i) {
        if (i == orig.header().shstrndx) continue;
        EXPECT_EQ(v->section_name(i).value(), orig.section_name(i).value());
        auto a = v->section_data(i).value();
        auto b = orig.section_data(i).value();
        EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << i;
    }
    EXPECT_EQ(read_this_module(*v).value().name, "xt_comment");
}

}  // namespace
}  // namespace mh::elf

#include "harness/elf/module_check.h"

namespace mh::elf {
namespace {

TEST(ModuleCheck, RealModulesPassBrokenOnesDoNot) {
    EXPECT_TRUE(check_module_file(test::real_61()).ok());
    EXPECT_TRUE(check_module_file(test::real_612_xz()).ok());
    EXPECT_TRUE(check_module_file(test::synthetic()).ok());
    auto bad = test::real_61();
    bad[60] = 0;  // e_shnum = 0
    EXPECT_FALSE(check_module_file(bad).ok());
    auto cut = test::real_612_xz();
    cut.resize(cut.size() / 2);
    EXPECT_FALSE(check_module_file(cut).ok());
}

}  // namespace
}  // namespace mh::elf
