#include "harness/campaign/image_diff.h"

#include <gtest/gtest.h>

#include "harness/elf/compression.h"
#include "harness/elf/reader.h"
#include "harness/elf/test_support.h"

namespace mh::campaign {
namespace {

void put(mutate::Bytes& b, size_t at, uint64_t v, size_t width) {
    for (size_t i = 0; i < width; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// A real 6.1 module with three changes: a section header field, a symbol field, appended bytes.
// Each becomes one difference named in the ELF model's words, with its old and new value.
TEST(ImageDiff, DescribesFieldsInTheModelsWords) {
    const auto seed = elf::test::real_61();
    auto view = elf::ElfView::parse(seed);
    ASSERT_TRUE(view.ok());
    const size_t symtab = *view->symtab_index();
    mutate::Bytes image = seed;
    const size_t shdr = view->header().shoff + symtab * elf::kShdrSize;
    put(image, shdr + elf::shdr_off::link, 3, 4);
    const size_t sym2 = view->section(symtab).offset + 2 * elf::kSymSize;
    put(image, sym2 + elf::sym_off::shndx, 0xfff1, 2);
    image.insert(image.end(), 100, 0xcc);

    const auto diffs = diff_images(seed, image);
    ASSERT_EQ(diffs.size(), 3u);
    // In file order: this module's symbol table lies before its section header table.
    ASSERT_LT(sym2, shdr);
    const auto& sym = diffs[0];
    const auto& link = diffs[1];
    const std::string link_was = std::to_string(view->section(symtab).link);
    EXPECT_EQ(link.where, "section " + std::to_string(symtab) + " `.symtab` header sh_link") << link.text();
    EXPECT_EQ(link.change, link_was + " -> 3");
    EXPECT_EQ(sym.where.rfind("symbol 2", 0), 0u) << sym.text();
    EXPECT_NE(sym.where.find("st_shndx"), std::string::npos) << sym.text();
    EXPECT_NE(sym.change.find("-> 0xfff1"), std::string::npos) << sym.text();
    EXPECT_TRUE(diffs[2].tail);
    EXPECT_EQ(diffs[2].change, "100 bytes appended");
    // The diff's fields are whole: sh_link is 4 bytes even though only its low byte changed.
    EXPECT_EQ(link.length, 4u);

    // Applying all gives the image back, none the seed, one just that change.
    EXPECT_EQ(apply_differences(seed, image, diffs, {0, 1, 2}), image);
    EXPECT_EQ(apply_differences(seed, image, diffs, {}), seed);
    auto only_link = apply_differences(seed, image, diffs, {0});
    EXPECT_EQ(only_link.size(), seed.size());
    EXPECT_EQ(diff_images(seed, only_link).size(), 1u);
    EXPECT_EQ(image_distance(seed, image), 100u + 1u + 2u);
}

// Contents: a run of changed bytes inside one section is one difference; a cut image has a tail
// difference naming where it was cut.
TEST(ImageDiff, ContentRunsAndCutTail) {
    const auto seed = elf::test::real_61();
    auto view = elf::ElfView::parse(seed);
    ASSERT_TRUE(view.ok());
    const size_t modinfo = *view->find_section(".modinfo");
    mutate::Bytes image = seed;
    const size_t at = view->section(modinfo).offset + 4;
    image[at] ^= 0xff;
    image[at + 2] ^= 0xff;  // one equal byte between: still one run
    const auto diffs = diff_images(seed, image);
    ASSERT_EQ(diffs.size(), 1u);
    EXPECT_EQ(diffs[0].where, "section " + std::to_string(modinfo) + " `.modinfo` +0x4");
    EXPECT_EQ(diffs[0].length, 3u);

    mutate::Bytes cut(seed.begin(), seed.begin() + 200);
    const auto cut_diffs = diff_images(seed, cut);
    ASSERT_EQ(cut_diffs.size(), 1u);
    EXPECT_TRUE(cut_diffs[0].tail);
    EXPECT_NE(cut_diffs[0].change.find(std::to_string(seed.size() - 200) + " bytes missing"), std::string::npos);
    EXPECT_EQ(apply_differences(seed, cut, cut_diffs, {0}), cut);
}

// The same module of another kernel line (xt_comment of 6.1 and of 6.12, different layouts): the
// differences found on the 6.1 build are written at the same places of the 6.12 build, and
// diffing the result against the 6.12 build gives the same changes back.
TEST(ImageDiff, PortsDifferencesToAnotherBuild) {
    const auto seed = elf::test::real_61();
    const auto other = elf::decompress(elf::test::real_612_xz()).value();
    auto view = elf::ElfView::parse(seed);
    auto other_view = elf::ElfView::parse(other);
    ASSERT_TRUE(view.ok() && other_view.ok());
    ASSERT_NE(seed.size(), other.size());
    mutate::Bytes image = seed;
    const size_t symtab = *view->symtab_index();
    put(image, view->header().shoff + symtab * elf::kShdrSize + elf::shdr_off::link, 3, 4);
    // A named symbol (the module's init function alias, present in both builds).
    auto syms = view->symbols().value();
    size_t named = 0;
    for (size_t i = 1; i < syms.size() && !named; ++i)
        if (syms[i].name == "init_module") named = i;
    ASSERT_NE(named, 0u);
    put(image, view->section(symtab).offset + named * elf::kSymSize + elf::sym_off::shndx, 0, 2);
    image.insert(image.end(), {1, 2, 3});
    const auto diffs = diff_images(seed, image);
    ASSERT_EQ(diffs.size(), 3u);

    auto ported = port_differences(other, diffs, {0, 1, 2});
    ASSERT_TRUE(ported.ok()) << ported.error().message;
    const auto again = diff_images(other, *ported);
    ASSERT_EQ(again.size(), 3u);
    EXPECT_EQ(again[2].change, diffs[2].change);
    for (size_t i = 0; i < 2; ++i) {
        // Same field names and new values; the old values are the 6.12 build's own.
        const auto& a = diffs[i];
        const auto& b = again[i];
        EXPECT_EQ(a.change.substr(a.change.find("->")), b.change.substr(b.change.find("->"))) << a.text() << " / " << b.text();
    }
    EXPECT_NE(again[0].where.find("`init_module` st_shndx"), std::string::npos) << again[0].text();
    EXPECT_NE(again[1].where.find("`.symtab` header sh_link"), std::string::npos) << again[1].text();
    EXPECT_TRUE(again[2].tail);
    // A section the other build does not have is an error naming the difference, not a guess.
    mutate::Bytes not_elf(200, 0);
    EXPECT_FALSE(port_differences(not_elf, diffs, {0}).ok());
}

// Garbage that is no ELF file still diffs (byte runs), and nothing is thrown.
TEST(ImageDiff, NonElfSeedFallsBackToByteRuns) {
    mutate::Bytes seed(64, 0), image(64, 0);
    image[10] = 1;
    image[40] = 2;
    const auto diffs = diff_images(seed, image);
    ASSERT_EQ(diffs.size(), 2u);
    EXPECT_EQ(diffs[0].where, "bytes at 0xa");
    EXPECT_EQ(apply_differences(seed, image, diffs, {1})[40], 2);
}

}  // namespace
}  // namespace mh::campaign
