// Crash store: grouping by title, durable index, reload after a restart (titles become known), a
// torn last index line, and inputs kept with their call and history.
#include "harness/campaign/crash_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/mutate/fuzz_input.h"
#include "harness/common/files.h"
#include "harness/host/test_files.h"

namespace mh::campaign {
namespace {

std::string encoded(const std::string& params) {
    mutate::FuzzInput in;
    in.call.params = params;
    in.image = {1, 2, 3};
    mutate::record(in, {mutate::StepKind::call, static_cast<uint16_t>(mutate::CallPart::params)});
    const mutate::Bytes b = mutate::encode(in);
    return {b.begin(), b.end()};
}

TEST(CrashStore, GroupsByTitleAndKeepsTheFirstInput) {
    host::testing::TempDir dir("mh-crashes");
    CrashStore store(dir.path);
    ASSERT_TRUE(store.load().ok());
    auto a = store.add({"BUG: x in f", "taint", encoded("a=1"), false, "report A", "libfuzzer", 1.0});
    auto b = store.add({"BUG: x in f", "taint", encoded("a=2"), false, "report B", "libfuzzer", 2.0});
    auto c = store.add({"WARNING in g", "taint", "", false, "", "libfuzzer", 3.0});
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(a->slug, b->slug);
    EXPECT_EQ(b->count, 2);
    EXPECT_EQ(store.events(), 3);
    EXPECT_EQ(store.groups().size(), 2u);
    EXPECT_EQ(store.new_titles(), 2);
    const auto g = dir.path / "crashes" / a->slug;
    EXPECT_EQ(read_text_file(g / "input.bin").value_or(""), encoded("a=1"));
    EXPECT_EQ(read_text_file(g / "call.txt").value_or(""), "init_module flags=0 params=\"a=1\"\n");
    EXPECT_EQ(read_text_file(g / "history.txt").value_or(""), "call:params\n");
    EXPECT_EQ(read_text_file(g / "report.txt").value_or(""), "report A");
    EXPECT_TRUE(std::filesystem::exists(g / "repeat-2.bin"));
    EXPECT_FALSE(store.groups().at("WARNING in g").has_input);
}

TEST(CrashStore, ReloadsAfterARestartAndSkipsATornLine) {
    host::testing::TempDir dir("mh-crashes");
    {
        CrashStore store(dir.path);
        ASSERT_TRUE(store.add({"BUG: x in f", "taint", encoded(""), false, "", "aflpp", 1.0}).ok());
    }
    std::ofstream(dir.path / "crashes" / "index.jsonl", std::ios::app) << "{\"title\": \"torn";  // power cut mid-line
    CrashStore again(dir.path);
    ASSERT_TRUE(again.load().ok());
    EXPECT_EQ(again.events(), 1);
    EXPECT_EQ(again.new_titles(), 0) << "titles from earlier runs are known, not new";
    auto g = again.add({"BUG: x in f", "taint", encoded(""), false, "", "aflpp", 5.0});
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->count, 2);
    EXPECT_FALSE(g->new_this_run);
}

TEST(CrashStore, SlugsAreStableAndSafe) {
    EXPECT_EQ(CrashStore::slug_for("general protection fault in memcmp"), CrashStore::slug_for("general protection fault in memcmp"));
    EXPECT_NE(CrashStore::slug_for("a/b"), CrashStore::slug_for("a b"));
    const std::string s = CrashStore::slug_for("../../etc/passwd \n<script>");
    EXPECT_EQ(s.find('/'), std::string::npos);
    EXPECT_EQ(s.find('.'), std::string::npos);
    EXPECT_EQ(CrashStore::slug_for("").rfind("crash-", 0), 0u);
}

}  // namespace
}  // namespace mh::campaign
