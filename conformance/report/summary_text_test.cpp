// Terminal summary: per-class rows and totals with concrete counts, order, non-PASS list, 100 columns.
#include "conformance/report/summary_text.h"

#include <gtest/gtest.h>

#include "conformance/report/test_support.h"

namespace mh::conformance {
namespace {

using testing::lines_of;
using testing::words;

// The numeric columns of the table row whose first word is `cls`.
std::vector<std::string> row_numbers(const std::string& text, const std::string& cls) {
    for (const auto& l : lines_of(text)) {
        auto w = words(l);
        if (!w.empty() && w[0] == cls) return std::vector<std::string>(w.end() - 12, w.end());
    }
    return {};
}

std::size_t columns(const std::string& line) {
    std::size_t n = 0;
    for (unsigned char c : line) n += (c & 0xC0) != 0x80;
    return n;
}

TEST(SummaryText, ClassRowsAndTotals) {
    std::string s = summary_text(testing::run_a());
    using V = std::vector<std::string>;
    //                          cases PASS FAIL CONF BROK KERNEL RAN man code both neither undoc
    EXPECT_EQ(row_numbers(s, "F12"), (V{"1", "0", "1", "0", "0", "0", "0", "0", "0", "0", "1", "0"}));
    EXPECT_EQ(row_numbers(s, "E1"), (V{"2", "2", "0", "0", "0", "0", "0", "0", "0", "2", "0", "0"}));
    EXPECT_EQ(row_numbers(s, "E12"), (V{"1", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0"}));
    EXPECT_EQ(row_numbers(s, "S1"), (V{"1", "1", "0", "0", "0", "0", "0", "0", "1", "0", "0", "0"}));
    // The page says nothing about COMPRESSED_FILE: undocumented, its own column.
    EXPECT_EQ(row_numbers(s, "G3"), (V{"1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1"}));
    EXPECT_EQ(row_numbers(s, "total"), (V{"14", "10", "1", "1", "1", "1", "0", "0", "2", "7", "1", "1"}));
    // A class the run declares but never ran is named under the table, not given a row of zeros.
    EXPECT_EQ(row_numbers(s, "F13"), V{});
    EXPECT_NE(s.find("\nclasses without cases in this run (1): F13\n"), std::string::npos);
    EXPECT_NE(s.find("F12     sysfs attribute file"), std::string::npos);
}

TEST(SummaryText, ManPageAndUncoveredClasses) {
    std::string s = summary_text(testing::run_a());
    EXPECT_EQ(lines_of(s)[2], "  man page: manpages-6.03 (shipped by debian-12, the kernel's distribution)");
    EXPECT_NE(s.find("man page followed (manpages-6.03): the errno matched"), std::string::npos);
    EXPECT_NE(s.find("\nclasses of contract.md section 3 that no case runs (2):\n"
                     "  K6    3.9   a signal during one of the duplicate-name waits: the executor cannot signal a caller\n"
                     "              while it waits (no case key for it)\n"
                     "  R7    3.8   relocation r_offset or symbol index out of range: no errno contract: <out-of-bounds\n"),
              std::string::npos)
        << s;
    // A run recorded before runs named their page: no man page line, no uncovered list.
    std::string old = summary_text(testing::run_b());
    EXPECT_EQ(old.find("man page:"), std::string::npos);
    EXPECT_EQ(old.find("no case runs"), std::string::npos);
}

TEST(SummaryText, NaturalClassOrder) {
    std::string s = summary_text(testing::run_a());
    auto at = [&](const char* row) { return s.find(std::string("\n") + row + " "); };
    EXPECT_LT(at("E1"), at("E9"));
    EXPECT_LT(at("E9"), at("E12"));
    EXPECT_LT(at("F1"), at("F7"));
    EXPECT_LT(at("F9"), at("F12"));
    EXPECT_LT(at("F12"), at("F14"));
    EXPECT_LT(at("P5"), at("S1"));
}

TEST(SummaryText, NonPassListWorstFirst) {
    std::string s = summary_text(testing::run_a());
    EXPECT_NE(s.find("non-PASS cases (4):\n"), std::string::npos);
    auto kernel = s.find("  KERNEL default/e12-nobits-huge-init  [E12 init]  no result, expected ENOMEM|0\n");
    auto brok = s.find("  BROK   default/p1-nocap-init  [P1 init]  no result, expected EPERM\n");
    auto fail = s.find(
        "  FAIL   default/f12-sysfs-finit  [F12 finit]  got EINVAL, expected EIO\n"
        "         errno EINVAL not in {EIO} <sysfs & \"attr\">\n");
    auto conf = s.find("  CONF   default/g5-xz-garbage  [G5 finit]");
    ASSERT_NE(kernel, std::string::npos) << s;
    ASSERT_NE(brok, std::string::npos);
    ASSERT_NE(fail, std::string::npos);
    ASSERT_NE(conf, std::string::npos);
    EXPECT_LT(kernel, brok);
    EXPECT_LT(brok, fail);
    EXPECT_LT(fail, conf);
    EXPECT_NE(s.find("oops during the call: BUG: unable to handle page fault"), std::string::npos);
    EXPECT_EQ(s.find("f1-closed-finit"), std::string::npos);  // PASS cases are not listed
}

TEST(SummaryText, HeaderAndWidth) {
    std::string s = summary_text(testing::run_b());
    EXPECT_EQ(lines_of(s)[0], "conformance run: debian-6.12-cloud (6.12.57+deb13-cloud-amd64)");
    EXPECT_EQ(lines_of(s)[1], "  14 cases, 52.4 s wall, accel tcg, started 2026-11-29T04:20:00Z");
    EXPECT_NE(s.find("  group sigenforce: 1 cases, 1 VMs, 0 boot failures, 0 kernel events, 3.1 s\n"), std::string::npos);
    for (const auto& l : lines_of(s)) EXPECT_LE(columns(l), 100u) << l;
    for (const auto& l : lines_of(summary_text(testing::run_a()))) EXPECT_LE(columns(l), 100u) << l;
}

TEST(SummaryText, KernelBytesCannotDriveTheTerminal) {
    auto run = testing::run_a();
    run["cases"][8]["reason"] = std::string("\x1b]0;pwned\x07 long ") + std::string(200, 'x');
    std::string s = summary_text(run);
    for (unsigned char c : s) EXPECT_TRUE(c >= 0x20 || c == '\n') << int(c);
    EXPECT_NE(s.find("\\x1B]0;pwned\\x07 long xxx"), std::string::npos);
    EXPECT_NE(s.find("xxx...\n"), std::string::npos);
    for (const auto& l : lines_of(s)) EXPECT_LE(columns(l), 100u) << l;
}

TEST(SummaryText, ManyIdleClassesWrap) {
    auto run = testing::run_a();
    for (int i = 100; i < 200; ++i) run["classes"]["X" + std::to_string(i)] = {{"title", "t"}};
    std::string s = summary_text(run);
    EXPECT_NE(s.find("classes without cases in this run (101): F13 X100 X101"), std::string::npos);
    EXPECT_NE(s.find(" X198 X199\n"), std::string::npos);
    for (const auto& l : lines_of(s)) EXPECT_LE(columns(l), 100u) << l;
}

TEST(SummaryText, AllPass) {
    auto run = testing::run_b();
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& c : run["cases"])
        if (c["verdict"] == "PASS") kept.push_back(c);
    run["cases"] = kept;
    std::string s = summary_text(run);
    EXPECT_NE(s.find("every judged case PASSed\n"), std::string::npos);
    EXPECT_EQ(s.find("non-PASS"), std::string::npos);
}

TEST(TerminalClean, CutsByColumns) {
    EXPECT_EQ(terminal_clean("abcdef", 6), "abcdef");
    EXPECT_EQ(terminal_clean("abcdefg", 6), "abc...");
    EXPECT_EQ(terminal_clean("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9...");  // é counts as one column
    EXPECT_EQ(terminal_clean("a\tb\nc"), "a b c");
    EXPECT_EQ(terminal_clean("\xff"), "\\xFF");
}

// A PASS that came with a stack dump is listed as such, with its notices; cases without any
// are not, and the verdict counts do not change.
TEST(SummaryText, PassWithKernelNoticesIsListed) {
    std::string s = summary_text(testing::run_a_with_notes());
    EXPECT_NE(s.find("cases with kernel log notices besides their verdict (1):\n"
                     "  PASS   default/e1-bad-magic-init  [E1 init]  sysfs-duplicate, stack-dump\n"),
              std::string::npos)
        << s;
    EXPECT_EQ(s.find("f1-closed-finit"), std::string::npos);
    EXPECT_EQ(row_numbers(s, "total"), row_numbers(summary_text(testing::run_a()), "total"));
    EXPECT_EQ(summary_text(testing::run_a()).find("kernel log notices"), std::string::npos);
}

}  // namespace
}  // namespace mh::conformance
