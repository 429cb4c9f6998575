// Reading reached-PC files: both spellings, comments, duplicates, and errors that name the file and line.
#include "harness/coverage/coverage_pcs.h"

#include <gtest/gtest.h>

#include "harness/host/test_files.h"

using namespace mh;
using namespace mh::coverage;

TEST(ParsePcs, BothSpellingsCommentsBlanksDuplicates) {
    auto pcs = parse_pcs("# from campaign 3\n0xffffffff81197017\nffffffff81197017\n\n  FFFFFFFF8119704D  \r\n", "pcs.txt");
    ASSERT_TRUE(pcs.ok()) << pcs.error().message;
    EXPECT_EQ(*pcs, (PcSet{0xffffffff81197017ull, 0xffffffff8119704dull}));
    auto empty = parse_pcs("", "pcs.txt");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
}

TEST(ParsePcs, GarbledLineNamesFileAndLine) {
    auto pcs = parse_pcs("0xffffffff81197017\n0xffffffff8119zz17\n", "run/pcs.txt");
    ASSERT_FALSE(pcs.ok());
    EXPECT_NE(pcs.error().message.find("run/pcs.txt:2:"), std::string::npos) << pcs.error().message;
    EXPECT_NE(pcs.error().message.find("0xffffffff8119zz17"), std::string::npos);
    EXPECT_FALSE(parse_pcs("0xffffffff81197017 0xffffffff81197018\n", "two-per-line").ok());
    EXPECT_FALSE(parse_pcs("\x7f"
                           "ELF\x02\x01\x01",
                           "binary")
                     .ok());
}

TEST(ReadPcsFile, MissingFileIsNamed) {
    auto pcs = read_pcs_file("/nonexistent/pcs.txt");
    ASSERT_FALSE(pcs.ok());
    EXPECT_NE(pcs.error().message.find("/nonexistent/pcs.txt"), std::string::npos);
    mh::host::testing::TempDir dir("mh-pcs");
    mh::host::testing::write_file(dir.path / "p.txt", "ffffffff81000000\n");
    auto ok = read_pcs_file(dir.path / "p.txt");
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->size(), 1u);
    EXPECT_FALSE(read_pcs_file(dir.path).ok());  // a directory
}
