// Taint decoding: letters and names per kernel/panic.c, change descriptions, restart policy, parsing.
#include "harness/kernel_log/taint.h"

#include <gtest/gtest.h>

namespace mh::kernel_log {
namespace {

TEST(Taint, TableMatchesKernelOrder) {
    const std::string letters = "PFSRMBUDAWCIOELKXTN";
    ASSERT_EQ(taint_flags().size(), letters.size());
    for (unsigned bit = 0; bit < letters.size(); ++bit) {
        EXPECT_EQ(taint_flags()[bit].bit, bit);
        EXPECT_EQ(taint_flags()[bit].letter, letters[bit]);
    }
    EXPECT_EQ(taint_flag(7)->name, "DIE");
    EXPECT_EQ(taint_flag(13)->letter, 'E');
    EXPECT_FALSE(taint_flag(19).has_value());
}

TEST(Taint, Letters) {
    EXPECT_EQ(taint_letters(0), "");
    EXPECT_EQ(taint_letters(1u << 0), "P");
    EXPECT_EQ(taint_letters((1u << 7) | (1u << 9) | (1u << 12) | (1u << 13)), "DWOE");
    EXPECT_EQ(taint_letters(1ull << 40), "?");
}

TEST(Taint, ColumnsLikePrintTainted) {
    EXPECT_EQ(taint_columns(0), "G                  ");
    // Debian with an unsigned out-of-tree module after a WARN: "G        W  OE     " style.
    EXPECT_EQ(taint_columns((1u << 9) | (1u << 12) | (1u << 13)), "G        W  OE     ");
    EXPECT_EQ(taint_columns(1u << 0).substr(0, 1), "P");
}

TEST(Taint, DescribeChange) {
    EXPECT_EQ(describe_taint_change(0x3000, 0x3000), "");
    EXPECT_EQ(describe_taint_change(1u << 13, (1u << 13) | (1u << 7)), "+D (DIE: kernel died, oops or BUG)");
    EXPECT_EQ(describe_taint_change(0, (1u << 9) | (1ull << 33)), "+W (WARN: kernel issued a warning) +bit33 (unknown taint)");
    EXPECT_EQ(taint_added(0b1010, 0b0110), 0b0100u);
}

TEST(Taint, PoisoningPolicy) {
    EXPECT_TRUE(is_poisoning_taint(1u << 7));  // D
    EXPECT_TRUE(is_poisoning_taint(1u << 9));  // W
    EXPECT_TRUE(is_poisoning_taint(1u << 5));  // B
    EXPECT_TRUE(is_poisoning_taint(1u << 14));  // L
    EXPECT_TRUE(is_poisoning_taint(1u << 4));  // M
    EXPECT_TRUE(is_poisoning_taint(1ull << 40));  // unknown: restart to be safe
    EXPECT_FALSE(is_poisoning_taint(0));
    // Loading our own test modules taints O, E, P, N, F...: expected, not poisoning.
    EXPECT_FALSE(is_poisoning_taint((1u << 0) | (1u << 1) | (1u << 12) | (1u << 13) | (1u << 18) | (1u << 10)));
    EXPECT_FALSE(is_poisoning_taint(1u << 6));  // U: user asked
}

TEST(Taint, ParseProcText) {
    EXPECT_EQ(parse_taint_text("0\n").value(), 0u);
    EXPECT_EQ(parse_taint_text(" 12800\n").value(), 12800u);
    EXPECT_EQ(parse_taint_text("18446744073709551615").value(), UINT64_MAX);
    EXPECT_FALSE(parse_taint_text("18446744073709551616").ok());
    EXPECT_FALSE(parse_taint_text("").ok());
    EXPECT_FALSE(parse_taint_text("0x10").ok());
    EXPECT_FALSE(parse_taint_text("-1").ok());
    EXPECT_FALSE(parse_taint_text("12 13").ok());
}

}  // namespace
}  // namespace mh::kernel_log
