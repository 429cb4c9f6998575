// Option parsing: forms, errors that name the option, positionals after --; the help listing of a table.
#include "harness/cli/args.h"

#include <gtest/gtest.h>

#include <cstdio>

using namespace mh::cli;

namespace {

// What print_option_help writes, as a string.
std::string help_text(const std::vector<OptionSpec>& specs, std::size_t column = 22) {
    std::FILE* f = std::tmpfile();
    print_option_help(f, specs, column);
    std::string text(static_cast<size_t>(std::ftell(f)), '\0');
    std::rewind(f);
    text.resize(std::fread(text.data(), 1, text.size(), f));
    std::fclose(f);
    return text;
}

}  // namespace

TEST(Args, Forms) {
    std::vector<OptionSpec> specs = {{"kernel", "K", "", kRepeatable}, {"json", "", ""}, {"out", "DIR", ""}};
    auto r = parse_args({"--kernel", "a", "x.cases", "--kernel=b", "--json", "--", "--not-an-option"}, specs);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->all("kernel"), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(r->has("json"));
    EXPECT_FALSE(r->has("out"));
    EXPECT_EQ(r->get_or("out", "dflt"), "dflt");
    EXPECT_EQ(r->positionals, (std::vector<std::string>{"x.cases", "--not-an-option"}));
}

TEST(Args, Errors) {
    std::vector<OptionSpec> specs = {{"out", "DIR", ""}, {"json", "", ""}};
    EXPECT_FALSE(parse_args({"--out"}, specs).ok());
    EXPECT_FALSE(parse_args({"--json=1"}, specs).ok());
    EXPECT_FALSE(parse_args({"--out", "a", "--out", "b"}, specs).ok());
}

// The table is the whole truth about what is accepted: a name not in it is an error naming it,
// even when it is a prefix of or a different spelling of a row.
TEST(Args, RejectsOptionNotInTable) {
    std::vector<OptionSpec> specs = {{"out", "DIR", "output directory"}, {"json", "", "JSON lines"}};
    auto r = parse_args({"--bogus"}, specs);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--bogus"), std::string::npos) << r.error().message;
    EXPECT_FALSE(parse_args({"--ou", "x"}, specs).ok());
    EXPECT_FALSE(parse_args({"--json-lines"}, specs).ok());
    EXPECT_FALSE(parse_args({"--bogus=1"}, specs).ok());
}

// A one-letter alias is the same option: stored under the row's name.
TEST(Args, AliasStoresUnderName) {
    std::vector<OptionSpec> specs = {{"output", "OUT", "file to write", false, "o"}};
    auto r = parse_args({"-o", "a.ko"}, specs);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->get_or("output", ""), "a.ko");
    EXPECT_FALSE(r->has("o"));
    EXPECT_FALSE(parse_args({"-o", "a", "--output", "b"}, specs).ok());
}

TEST(OptionHelp, Flag) {
    EXPECT_EQ(help_text({{"no-fetch", "", "never download a kernel; fail if it is not cached"}}),
              "  --no-fetch          never download a kernel; fail if it is not cached\n");
}

TEST(OptionHelp, ValueOption) {
    EXPECT_EQ(help_text({{"memory", "MB", "guest memory (default 1024)"}}), "  --memory MB         guest memory (default 1024)\n");
}

// Repeatable changes parsing, not the layout: the help text says so itself.
TEST(OptionHelp, Repeatable) {
    std::vector<OptionSpec> specs = {{"cmdline", "WORD", "extra guest kernel command-line word (repeatable)", kRepeatable}};
    EXPECT_EQ(help_text(specs), "  --cmdline WORD      extra guest kernel command-line word (repeatable)\n");
    auto r = parse_args({"--cmdline", "a", "--cmdline=b"}, specs);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->all("cmdline"), (std::vector<std::string>{"a", "b"}));
}

TEST(OptionHelp, MultiLine) {
    EXPECT_EQ(help_text({{"kernel", "K",
                          "debian-6.1-cloud (default), debian-6.12-cloud,\n"
                          "a Debian package name,\n"
                          "or a path"}}),
              "  --kernel K          debian-6.1-cloud (default), debian-6.12-cloud,\n"
              "                      a Debian package name,\n"
              "                      or a path\n");
}

// Rows keep table order; a name as long as the column or longer gets one space; an empty
// help (--help itself) is not listed; an alias is shown before the long name.
TEST(OptionHelp, ColumnOverflowHiddenAndAlias) {
    std::vector<OptionSpec> specs = {
        {"conformance-dir", "D", "contract and cases"},
        {"help", "", ""},
        {"build-tree", "DIR", "a build tree"},
        {"output", "OUT", "file to write", false, "o"},
    };
    EXPECT_EQ(help_text(specs),
              "  --conformance-dir D contract and cases\n"
              "  --build-tree DIR    a build tree\n"
              "  -o, --output OUT    file to write\n");
    EXPECT_EQ(help_text(specs, 19),
              "  --conformance-dir D contract and cases\n"
              "  --build-tree DIR a build tree\n"
              "  -o, --output OUT file to write\n");
}

// Each kind of error has its documented exit code; a plain make_error is bad input (2).
TEST(ExitCodes, OneMappingFromErrorKind) {
    EXPECT_EQ(exit_code_for(mh::make_error("x").kind), kExitUsage);
    EXPECT_EQ(exit_code_for(mh::usage_error("x").kind), kExitUsage);
    EXPECT_EQ(exit_code_for(mh::environment_error("x").kind), kExitEnvironment);
    EXPECT_EQ(exit_code_for(mh::storage_error("x").kind), kExitStorage);
    EXPECT_EQ(exit_code_for(mh::interrupted_error("x").kind), kExitInterrupted);
    EXPECT_EQ(report_error("test", mh::storage_error("disk full")), 4);
}
