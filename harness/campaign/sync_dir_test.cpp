// The sync directory (AFL++'s distributed layout): exports numbered per instance and continued
// after a restart, imports of the other instances' new entries only (ours and AFL++'s own names),
// instance names as AFL++ allows them.
#include "harness/campaign/sync_dir.h"

#include <gtest/gtest.h>

#include "harness/common/files.h"
#include "harness/host/test_files.h"

namespace mh::campaign {
namespace {

namespace fs = std::filesystem;

TEST(SyncDir, ExportsNumberedEntriesAndContinuesTheNumbering) {
    host::testing::TempDir dir("mh-sync-export");
    {
        auto s = SyncDir::open(dir.path, "hostA-1");
        ASSERT_TRUE(s.ok()) << s.error().message;
        ASSERT_TRUE(s->export_entry("abc", "data-a").ok());
        ASSERT_TRUE(s->export_entry("def", "data-d").ok());
    }
    EXPECT_EQ(read_text_file(dir.path / "hostA-1" / "queue" / "id:000000,orig:abc").value_or(""), "data-a");
    EXPECT_EQ(read_text_file(dir.path / "hostA-1" / "queue" / "id:000001,orig:def").value_or(""), "data-d");
    auto again = SyncDir::open(dir.path, "hostA-1");  // a resumed campaign
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(again->export_entry("ghi", "data-g").ok());
    EXPECT_TRUE(fs::exists(dir.path / "hostA-1" / "queue" / "id:000002,orig:ghi"));
}

TEST(SyncDir, ImportsOnlyTheOtherInstancesNewEntries) {
    host::testing::TempDir dir("mh-sync-import");
    auto a = SyncDir::open(dir.path, "a");
    auto b = SyncDir::open(dir.path, "b");
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE(a->export_entry("mine", "not imported by a").ok());
    ASSERT_TRUE(b->export_entry("x1", "one").ok());
    // An AFL++ instance's own queue entry (no orig: part) and AFL++'s bookkeeping.
    fs::create_directories(dir.path / "afl" / "queue" / ".state");
    ASSERT_TRUE(write_file_atomic(dir.path / "afl" / "queue" / "id:000000,time:0,execs:0,orig:", "afl bytes").ok());
    ASSERT_TRUE(write_file_atomic(dir.path / "afl" / "queue" / ".state" / "x", "no").ok());
    ASSERT_TRUE(write_file_atomic(dir.path / "afl" / "fuzzer_stats", "no").ok());
    auto first = a->import_new();
    ASSERT_EQ(first.size(), 2u);
    std::map<std::string, SyncedEntry> by_from;
    for (auto& e : first) by_from[e.instance] = e;
    EXPECT_EQ(by_from["b"].name, "x1");
    EXPECT_EQ(by_from["b"].data, "one");
    EXPECT_TRUE(by_from["afl"].name.starts_with("sync-")) << by_from["afl"].name;
    EXPECT_EQ(by_from["afl"].data, "afl bytes");
    EXPECT_TRUE(a->import_new().empty()) << "nothing new the second time";
    ASSERT_TRUE(b->export_entry("x2", "two").ok());
    auto second = a->import_new();
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].name, "x2");
    // b sees a's entry, not its own.
    auto from_b = b->import_new();
    std::set<std::string> names;
    for (const auto& e : from_b) names.insert(e.name);
    EXPECT_TRUE(names.count("mine"));
    EXPECT_FALSE(names.count("x1"));
}

TEST(SyncDir, InstanceNamesFollowAflsRule) {
    EXPECT_TRUE(check_instance_name("host-1_a").ok());
    EXPECT_FALSE(check_instance_name("").ok());
    EXPECT_FALSE(check_instance_name("a/b").ok());
    EXPECT_FALSE(check_instance_name(std::string(25, 'a')).ok());
    const std::string d = default_instance_name("/some/campaign");
    EXPECT_TRUE(check_instance_name(d).ok()) << d;
    EXPECT_EQ(d, default_instance_name("/some/campaign")) << "stable for a resumed campaign";
    EXPECT_NE(d, default_instance_name("/other/campaign"));
}

}  // namespace
}  // namespace mh::campaign
