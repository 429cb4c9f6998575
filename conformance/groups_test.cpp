// parse_groups: the shipped groups file, errors that name file:line, and names safe as directories.
#include "conformance/groups.h"

#include <gtest/gtest.h>

namespace mh::conformance {
namespace {

TEST(Groups, ParsesGroupsWithAndWithoutCmdline) {
    auto g = parse_groups(
        "# comment\n\ngroup default | - | default.cases @malformations\n"
        "group sig_enforce | module.sig_enforce=1 | sig_enforce.cases\n",
        "groups.txt");
    ASSERT_TRUE(g.ok()) << g.error().message;
    ASSERT_EQ(g->size(), 2u);
    EXPECT_EQ((*g)[0].name, "default");
    EXPECT_TRUE((*g)[0].cmdline.empty());
    EXPECT_EQ((*g)[0].sources, (std::vector<std::string>{"default.cases", "@malformations"}));
    EXPECT_EQ((*g)[1].cmdline, (std::vector<std::string>{"module.sig_enforce=1"}));
}

TEST(Groups, ErrorsNameTheLine) {
    auto bad = parse_groups("group a | - | x.cases\ngroupb\n", "g.txt");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("g.txt:2:"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(parse_groups("group a | - \n", "g.txt").ok());
    EXPECT_FALSE(parse_groups("group  | - | x.cases\n", "g.txt").ok());
    EXPECT_FALSE(parse_groups("# nothing\n", "g.txt").ok());
}

TEST(Groups, NamesCannotLeaveTheOutputDirectory) {
    for (const char* name : {"..", ".", "../etc", "a/b", "/tmp", "a b"}) {
        auto g = parse_groups(std::string("group ") + name + " | - | x.cases\n", "g.txt");
        EXPECT_FALSE(g.ok()) << name;
    }
    EXPECT_TRUE(parse_groups("group sig_enforce-2.x | - | x.cases\n", "g.txt").ok());
}

}  // namespace
}  // namespace mh::conformance
