// The committed man page statements parse, each page says what its text says per call, and a
// kernel's distribution picks its page.
#include "conformance/man_pages.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "conformance/contract.h"
#include "conformance/suite.h"
#include "harness/common/files.h"

namespace mh::conformance {
namespace {

ManPages committed() {
    auto text = read_text_file(std::string(std::getenv("MH_SOURCE_DIR")) + "/conformance/man_pages.txt");
    EXPECT_TRUE(text.ok());
    auto m = parse_man_pages(text.ok() ? *text : "", "man_pages.txt");
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? *m : ManPages{};
}

std::vector<int> errnos(const ManView& v) { return v.errnos; }

TEST(ManPages, CommittedPagesAndDefaults) {
    auto m = committed();
    ASSERT_NE(find_man_page(m, "manpages-6.03"), nullptr);
    ASSERT_NE(find_man_page(m, "man-pages-git"), nullptr);
    EXPECT_EQ(default_man_page(m, "debian-12")->name, "manpages-6.03");
    EXPECT_EQ(default_man_page(m, "")->name, "man-pages-git");
    EXPECT_EQ(default_man_page(m, "debian-13")->name, "man-pages-git");
}

TEST(ManPages, EntriesForOneCallSayNothingAboutTheOther) {
    auto m = committed();
    // EEXIST is listed "for init_module()" in both pages.
    EXPECT_EQ(errnos(man_view(m, {"EEXIST"}, "manpages-6.03", "init")), (std::vector<int>{17}));
    EXPECT_TRUE(man_view(m, {"EEXIST"}, "manpages-6.03", "finit").silent());
    EXPECT_TRUE(man_view(m, {"ENOEXEC.image"}, "man-pages-git", "finit").silent());
    EXPECT_EQ(errnos(man_view(m, {"ENOEXEC.fd"}, "man-pages-git", "finit")), (std::vector<int>{8}));
    // Statements for both calls, and a rule naming two statements of which one applies.
    EXPECT_EQ(errnos(man_view(m, {"EPERM"}, "manpages-6.03", "finit")), (std::vector<int>{1}));
    EXPECT_EQ(errnos(man_view(m, {"EEXIST", "ENOEXEC.image"}, "manpages-6.03", "init")), (std::vector<int>{17, 8}));
    EXPECT_TRUE(man_view(m, {"EEXIST", "ENOEXEC.image"}, "manpages-6.03", "finit").silent());
}

TEST(ManPages, CompressedFileIsInGitOnly) {
    auto m = committed();
    EXPECT_TRUE(man_view(m, {"EOPNOTSUPP"}, "manpages-6.03", "finit").silent());
    EXPECT_EQ(errnos(man_view(m, {"EOPNOTSUPP"}, "man-pages-git", "finit")), (std::vector<int>{95}));
    EXPECT_TRUE(man_view(m, {"EINVAL.decompress"}, "manpages-6.03", "finit").silent());
    EXPECT_EQ(errnos(man_view(m, {"EINVAL.decompress"}, "man-pages-git", "finit")), (std::vector<int>{22}));
}

TEST(ManPages, ChoosingThePageOfARun) {
    auto m = committed();
    auto debian = choose_man_page(m, "", "6.1.0-57-cloud-amd64");
    ASSERT_TRUE(debian.ok());
    EXPECT_EQ((*debian)["name"], "manpages-6.03");
    EXPECT_NE((*debian)["why"].get<std::string>().find("debian-12"), std::string::npos);
    auto other = choose_man_page(m, "", "6.8.0-45-generic");
    ASSERT_TRUE(other.ok());
    EXPECT_EQ((*other)["name"], "man-pages-git");
    auto named = choose_man_page(m, "man-pages-git", "6.12.117+deb12-cloud-amd64");
    ASSERT_TRUE(named.ok());
    EXPECT_EQ((*named)["name"], "man-pages-git");
    EXPECT_EQ((*named)["why"], "--man-page");
    auto typo = choose_man_page(m, "manpages-6.3", "6.1.0-57-cloud-amd64");
    ASSERT_FALSE(typo.ok());
    EXPECT_NE(typo.error().message.find("manpages-6.03, man-pages-git"), std::string::npos) << typo.error().message;
}

TEST(ManPages, Followed) {
    const ErrnoSet code = std::vector<int>{22};
    EXPECT_EQ(followed(code, {22}, {22}), "both");
    EXPECT_EQ(followed(code, {8}, {22}), "code");
    EXPECT_EQ(followed(code, {}, {22}), "undocumented");
    EXPECT_EQ(followed(code, {}, {}), "-");
    EXPECT_EQ(followed(std::nullopt, {8}, {131}), "neither");  // a "*" rule supports nothing
    EXPECT_EQ(followed(code, {8}, {8}), "man");
}

TEST(ManPages, ParserErrors) {
    const std::string pages = "page a | debian-12 | A\npage b | * | B\n";
    EXPECT_TRUE(parse_man_pages(pages + "says X | * | init | EPERM | w\n", "t").ok());
    EXPECT_FALSE(parse_man_pages("page a | debian-12 | A\n", "t").ok());  // no "*" page
    EXPECT_FALSE(parse_man_pages(pages + "page c | * | C\n", "t").ok());  // two "*" pages
    EXPECT_FALSE(parse_man_pages(pages + "page c | debian-12 | C\n", "t").ok());  // one distribution, two pages
    EXPECT_FALSE(parse_man_pages(pages + "says X | * | both | EPERM | w\n", "t").ok());
    EXPECT_FALSE(parse_man_pages(pages + "says X | zz | init | EPERM | w\n", "t").ok());
    EXPECT_FALSE(parse_man_pages(pages + "says X | * | init | - | w\n", "t").ok());
    EXPECT_FALSE(parse_man_pages(pages + "says X | * | init | EPERM | w\nsays X | * | init | EPERM | w\n", "t").ok());
    auto bad = parse_man_pages(pages + "says X | * | init | ENOSUCH | w\n", "t");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("t:3:"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace mh::conformance
