// Escaping arbitrary bytes for XML/HTML: entities, kept whitespace, \xNN for what XML 1.0 cannot carry.
#include "harness/common/markup_escape.h"

#include <gtest/gtest.h>

#include "conformance/report/test_support.h"

namespace mh::conformance {
namespace {

using namespace std::string_literals;

TEST(MarkupEscape, Entities) {
    EXPECT_EQ(markup_text("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&#39;c");
    EXPECT_EQ(markup_text("&amp;"), "&amp;amp;");  // already-escaped text is escaped again, not trusted
}

TEST(MarkupEscape, WhitespaceTextVersusAttribute) {
    EXPECT_EQ(markup_text("a\tb\nc\rd"), "a\tb\nc&#13;d");
    EXPECT_EQ(markup_attr("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
}

TEST(MarkupEscape, ControlBytesBecomeVisible) {
    EXPECT_EQ(markup_text("\x01\x1b[0m"s), "\\x01\\x1B[0m");
    EXPECT_EQ(markup_text("a\0b"s), "a\\x00b");
    EXPECT_EQ(markup_text("\x7f"s), "\\x7F");
}

TEST(MarkupEscape, Utf8KeptInvalidBytesShown) {
    EXPECT_EQ(markup_text("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7"s), "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7"s);
    EXPECT_EQ(markup_text("\xff"s), "\\xFF");
    EXPECT_EQ(markup_text("\x80z"s), "\\x80z");  // lone continuation byte
    EXPECT_EQ(markup_text("\xc0\xaf"s), "\\xC0\\xAF");  // overlong '/'
    EXPECT_EQ(markup_text("\xed\xa0\x80"s), "\\xED\\xA0\\x80");  // UTF-16 surrogate
    EXPECT_EQ(markup_text("\xc2\x85"s), "\\xC2\\x85");  // C1 control NEL
    EXPECT_EQ(markup_text("\xef\xbf\xbe"s), "\\xEF\\xBF\\xBE");  // U+FFFE, not an XML character
    EXPECT_EQ(markup_text("\xe2\x86"s), "\\xE2\\x86");  // truncated sequence at the end
}

TEST(MarkupEscape, EveryByteStringStaysWellFormed) {
    // Every single byte, every byte pair, and pseudo-random strings, inside an element and an attribute.
    std::vector<std::string> inputs;
    for (int b = 0; b < 256; ++b) inputs.push_back(std::string(1, static_cast<char>(b)));
    for (int b = 0; b < 256; b += 3)
        for (int c = 0; c < 256; c += 5) inputs.push_back({static_cast<char>(b), static_cast<char>(c)});
    uint32_t x = 12345;
    for (int n = 0; n < 300; ++n) {
        std::string s;
        for (int k = 0; k < 40; ++k) {
            x = x * 1103515245u + 12345u;
            s.push_back(static_cast<char>(x >> 24));
        }
        inputs.push_back(s);
    }
    for (const auto& s : inputs) {
        std::string doc = "<r a=\"" + markup_attr(s) + "\">" + markup_text(s) + "</r>";
        ASSERT_EQ(testing::xml_problem(doc), "") << doc;
    }
}

TEST(XmlChecker, CatchesBrokenDocuments) {
    // The checker the other tests rely on must be able to fail.
    EXPECT_NE(testing::xml_problem("<a><b></a></b>"), "");
    EXPECT_NE(testing::xml_problem("<a>x & y</a>"), "");
    EXPECT_NE(testing::xml_problem("<a>\x01</a>"), "");
    EXPECT_NE(testing::xml_problem("<a t=\"x<y\"/>"), "");
    EXPECT_NE(testing::xml_problem("<a>"), "");
    EXPECT_EQ(testing::xml_problem("<?xml version=\"1.0\"?>\n<a t=\"1\"><b/>x &amp; &#10;</a>"), "");
}

}  // namespace
}  // namespace mh::conformance
