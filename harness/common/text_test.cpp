// The line splitter splits as std::getline does, which the data-file parsers relied on.
#include "harness/common/text.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using namespace mh;

std::vector<std::string> split(std::string_view text) {
    std::vector<std::string> out;
    size_t expected_number = 0;
    for (auto [line, number] : lines(text)) {
        EXPECT_EQ(number, ++expected_number);
        out.emplace_back(line);
    }
    return out;
}

std::vector<std::string> getline_split(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

TEST(Lines, SplitsAsGetlineDoes) {
    for (const std::string t : {"", "\n", "\n\n", "a", "a\n", "a\nb", "a\nb\n", "a\n\nb\n\n", "x\r\ny\r\n", "\r", " \n \n "})
        EXPECT_EQ(split(t), getline_split(t)) << '"' << t << '"';
}

TEST(Lines, CarriageReturnsStayAndViewsPointIntoTheText) {
    const std::string text = "one\r\ntwo";
    std::vector<std::string_view> got;
    for (auto [line, number] : lines(text)) got.push_back(line);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], "one\r");
    EXPECT_EQ(got[1], "two");
    EXPECT_EQ(got[1].data(), text.data() + 5);
}

TEST(Lines, HasNewlineIsFalseOnlyForAnUnterminatedLastLine) {
    for (std::string_view text : {"a\nb", "a\nb\n", "\n"}) {
        std::string rebuilt;
        for (auto [line, number] : lines(text)) {
            rebuilt += line;
            if (has_newline(text, line)) rebuilt += '\n';
        }
        EXPECT_EQ(rebuilt, text);
    }
}

TEST(Text, TrimAndSplit) {
    EXPECT_EQ(trim(" \tx y\r "), "x y");
    EXPECT_EQ(split_trimmed("a | b ||", '|'), (std::vector<std::string>{"a", "b", ""}));
    EXPECT_EQ(words("  a\tb  c "), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(trim("title\n"), "title");  // a one-line file's text
    EXPECT_EQ(trim(" \n\t"), "");
    EXPECT_EQ(mh::split("a\tb\t\tc", '\t'), (std::vector<std::string_view>{"a", "b", "", "c"}));
    EXPECT_EQ(mh::split("", '\t'), (std::vector<std::string_view>{""}));
    EXPECT_EQ(mh::split("x ", ' '), (std::vector<std::string_view>{"x", ""}));
}

}  // namespace
