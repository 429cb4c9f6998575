// Option parsing: forms, errors that name the option, positionals after --; the help listing of a table;
// strict option numbers and durations.
#include "harness/cli/args.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

#include "harness/cli/number_option.h"

using namespace mh;
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

// parse_number takes the whole text as one number in range, or says which option, value and range.
TEST(NumberOption, AcceptsWholeNumbersInRange) {
    EXPECT_EQ(parse_number<int>("jobs", "2", 1, 64).value_or(0), 2);
    EXPECT_EQ(parse_number<int>("jobs", "64", 1, 64).value_or(0), 64);
    EXPECT_EQ(parse_number<int>("init-ret", "-131", INT32_MIN, INT32_MAX).value_or(0), -131);
    EXPECT_EQ(parse_number<uint64_t>("rng-seed", "18446744073709551615", 1, UINT64_MAX).value_or(0), UINT64_MAX);
    EXPECT_EQ(parse_number<uint64_t>("seed-value", "0x10", 0, UINT64_MAX).value_or(0), 16u);
}

TEST(NumberOption, RejectsJunkSignsSuffixesAndRange) {
    for (const char* bad : {"", "abc", "2x", " 2", "2 ", "+2", "0x", "1e3", "2.0", "-1", "0", "65", "99999999999999999999"}) {
        auto r = parse_number<int>("jobs", bad, 1, 64);
        ASSERT_FALSE(r.ok()) << "'" << bad << "' accepted";
        EXPECT_EQ(r.error().kind, mh::ErrorKind::kUsage);
        EXPECT_NE(r.error().message.find("--jobs '" + std::string(bad) + "'"), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find("1..64"), std::string::npos) << r.error().message;
    }
    // Unsigned: no minus sign (strtoull would have made -1 into 2^64-1).
    EXPECT_FALSE(parse_number<uint64_t>("max-len", "-1", 1, 1u << 30).ok());
    EXPECT_FALSE(parse_number<uint64_t>("rng-seed", "18446744073709551616", 1, UINT64_MAX).ok());
    EXPECT_FALSE(parse_number<int>("init-ret", "0x10", INT32_MIN, INT32_MAX).ok());  // hex only unsigned
}

TEST(NumberOption, FallbackWhenAbsent) {
    std::vector<OptionSpec> specs = {{"jobs", "N", ""}};
    auto absent = parse_args({}, specs);
    ASSERT_TRUE(absent.ok());
    EXPECT_EQ(number_option<int>(*absent, "jobs", 3, 1, 64).value_or(0), 3);
    auto bad = parse_args({"--jobs", "2x"}, specs);
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(number_option<int>(*bad, "jobs", 3, 1, 64).ok());
}

TEST(NumberOption, Durations) {
    EXPECT_DOUBLE_EQ(parse_duration("duration", "90s", 1, 1e6).value_or(0), 90);
    EXPECT_DOUBLE_EQ(parse_duration("duration", "90", 1, 1e6).value_or(0), 90);
    EXPECT_DOUBLE_EQ(parse_duration("duration", "30m", 1, 1e6).value_or(0), 1800);
    EXPECT_DOUBLE_EQ(parse_duration("duration", "30min", 1, 1e6).value_or(0), 1800);
    EXPECT_DOUBLE_EQ(parse_duration("duration", "1.5h", 1, 1e6).value_or(0), 5400);
    for (const char* bad : {"", "m", "-5m", "10x", "1e3", "inf", "nan", "1..5s", "0s", "1000000h", " 5m"}) {
        auto r = parse_duration("duration", bad, 1, 1e6);
        ASSERT_FALSE(r.ok()) << "'" << bad << "' accepted";
        EXPECT_EQ(r.error().kind, mh::ErrorKind::kUsage);
        EXPECT_NE(r.error().message.find("--duration '" + std::string(bad) + "'"), std::string::npos) << r.error().message;
    }
}
