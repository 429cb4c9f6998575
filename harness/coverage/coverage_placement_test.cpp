// Placing an object's sections in vmlinux by function symbols, including same-named statics in other files.
#include "harness/coverage/coverage_placement.h"

#include <gtest/gtest.h>

using namespace mh;
using namespace mh::coverage;

namespace {

FunctionSymbol fn(std::uint64_t value, std::uint64_t size, const char* name, const char* section = ".text") {
    return {value, size, section, name};
}

}  // namespace

TEST(PlaceSection, UniqueNameFixesTheBase) {
    auto index = index_symbols({fn(0xffffffff81000100, 0x40, "load_module"), fn(0xffffffff81000140, 0x20, "helper")});
    auto base = place_section("main.o .text", {fn(0x0, 0x40, "load_module"), fn(0x40, 0x20, "helper")}, index);
    ASSERT_TRUE(base.ok()) << base.error().message;
    EXPECT_EQ(*base, 0xffffffff81000100ull);
}

TEST(PlaceSection, StaticNamesSharedWithOtherFilesAreResolvedByTheirNeighbours) {
    // `show_x` exists twice (sysfs.c and some other file, same size); only one copy sits where
    // the object's unique function says the section starts.
    auto index = index_symbols(
        {fn(0xffffffff81200000, 0x30, "show_x"), fn(0xffffffff81300000, 0x30, "show_x"), fn(0xffffffff81300030, 0x10, "mod_sysfs_setup")});
    auto base = place_section("sysfs.o .text", {fn(0x0, 0x30, "show_x"), fn(0x30, 0x10, "mod_sysfs_setup")}, index);
    ASSERT_TRUE(base.ok()) << base.error().message;
    EXPECT_EQ(*base, 0xffffffff81300000ull);
}

TEST(PlaceSection, SizesMustAgree) {
    auto index = index_symbols({fn(0xffffffff81200000, 0x30, "f"), fn(0xffffffff81300000, 0x38, "f")});
    auto base = place_section("x.o .text", {fn(0x0, 0x38, "f")}, index);
    ASSERT_TRUE(base.ok());
    EXPECT_EQ(*base, 0xffffffff81300000ull);
}

TEST(PlaceSection, OnlyIdenticalCopiesIsAmbiguous) {
    // KASAN's constructor: one per object, same name, same size, nothing else in its section.
    auto index = index_symbols(
        {fn(0xffffffff81d6d340, 0x1a, "_sub_I_65535_1", ".init.text"), fn(0xffffffff81d6d35a, 0x1a, "_sub_I_65535_1", ".init.text")});
    auto base = place_section("main.o .text.startup", {fn(0, 0x1a, "_sub_I_65535_1", ".text.startup")}, index);
    ASSERT_FALSE(base.ok());
    EXPECT_NE(base.error().message.find("2 load addresses"), std::string::npos);
}

TEST(PlaceSection, MissingOrDisagreeingSymbolsAreErrors) {
    auto index = index_symbols({fn(0xffffffff81000000, 0x10, "a"), fn(0xffffffff81000020, 0x10, "b")});
    auto missing = place_section("x.o .text", {fn(0, 0x10, "a"), fn(0x10, 0x10, "gone")}, index);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("'gone'"), std::string::npos);
    auto disagree = place_section("x.o .text", {fn(0, 0x10, "a"), fn(0x10, 0x10, "b")}, index);  // b is at +0x20
    ASSERT_FALSE(disagree.ok());
    EXPECT_NE(disagree.error().message.find("no load address"), std::string::npos);
    EXPECT_FALSE(place_section("x.o .text", {}, index).ok());
}

TEST(PlaceSection, WeakDefinitionsOverriddenElsewhereDoNotVote) {
    // main.o's weak module_arch_cleanup lost to arch/x86's: vmlinux names only the strong one.
    auto index = index_symbols({fn(0xffffffff81000000, 0x40, "load_module"), fn(0xffffffff810840bf, 0x18, "module_arch_cleanup")});
    FunctionSymbol weak = fn(0x40, 0x9, "module_arch_cleanup");
    weak.weak = true;
    auto base = place_section("main.o .text", {fn(0, 0x40, "load_module"), weak}, index);
    ASSERT_TRUE(base.ok()) << base.error().message;
    EXPECT_EQ(*base, 0xffffffff81000000ull);
    EXPECT_FALSE(place_section("main.o .text", {weak}, index).ok());
}
