// Option parsing: forms, errors that name the option, positionals after --.
#include "harness/cli/args.h"

#include <gtest/gtest.h>

using namespace mh::cli;

TEST(Args, Forms) {
    std::vector<OptionSpec> specs = {{"kernel", true, true}, {"json", false}, {"out", true}};
    auto r = parse_args({"--kernel", "a", "x.cases", "--kernel=b", "--json", "--", "--not-an-option"}, specs);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->all("kernel"), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(r->has("json"));
    EXPECT_FALSE(r->has("out"));
    EXPECT_EQ(r->get_or("out", "dflt"), "dflt");
    EXPECT_EQ(r->positionals, (std::vector<std::string>{"x.cases", "--not-an-option"}));
}

TEST(Args, Errors) {
    std::vector<OptionSpec> specs = {{"out", true}, {"json", false}};
    EXPECT_NE(parse_args({"--bogus"}, specs).error().message.find("--bogus"), std::string::npos);
    EXPECT_FALSE(parse_args({"--out"}, specs).ok());
    EXPECT_FALSE(parse_args({"--json=1"}, specs).ok());
    EXPECT_FALSE(parse_args({"--out", "a", "--out", "b"}, specs).ok());
}
