// The host side of `fuzz merge`: reading corpus directories (a campaign's corpus/ or a plain
// directory), dropping repeated inputs, and joining crash groups of several campaigns by culprit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/campaign/corpus_merge.h"
#include "harness/campaign/crash_union.h"
#include "harness/common/files.h"
#include "harness/host/test_files.h"

namespace mh::campaign {
namespace {

namespace fs = std::filesystem;

void put(const fs::path& p, const std::string& data) {
    fs::create_directories(p.parent_path());
    ASSERT_TRUE(write_file_atomic(p, data).ok()) << p;
}

TEST(CorpusMerge, ReadsACampaignsCorpusOrAPlainDirectory) {
    host::testing::TempDir dir("mh-merge-read");
    put(dir.path / "campaign" / "corpus" / "b", "BB");
    put(dir.path / "campaign" / "corpus" / "a", "A");
    put(dir.path / "campaign" / "corpus" / ".keep", "");
    put(dir.path / "campaign" / "pcs.txt", "ffffffff81000000\n");  // not an input
    auto c = read_corpus_dir(dir.path / "campaign");
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_EQ(c->size(), 2u);
    EXPECT_EQ((*c)[0].name, "a");
    EXPECT_EQ((*c)[1].data, "BB");
    EXPECT_EQ((*c)[0].from, (dir.path / "campaign").string());
    put(dir.path / "plain" / "x", "X");
    auto p = read_corpus_dir(dir.path / "plain");
    ASSERT_TRUE(p.ok());
    ASSERT_EQ(p->size(), 1u);
    EXPECT_EQ((*p)[0].data, "X");
    auto missing = read_corpus_dir(dir.path / "nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::kUsage);
}

TEST(CorpusMerge, DropsRepeatedBytesKeepingTheFirst) {
    std::vector<CorpusFile> files = {{"a", "same", "d1"}, {"b", "other", "d1"}, {"c", "same", "d2"}, {"d", "", "d2"}, {"e", "", "d3"}};
    EXPECT_EQ(drop_duplicate_inputs(files), 2u);
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[0].name, "a");
    EXPECT_EQ(files[1].name, "b");
    EXPECT_EQ(files[2].name, "d");
}

// A crash group directory as the crash store and triage leave it.
void group(const fs::path& campaign, const std::string& name, const std::string& title, const std::string& culprit_json) {
    put(campaign / "crashes" / name / "title.txt", title + "\n");
    if (!culprit_json.empty()) put(campaign / "crashes" / name / "culprit.json", culprit_json);
}

TEST(CrashUnion, JoinsTriagedGroupsByCulpritAndTheRestByTitle) {
    host::testing::TempDir dir("mh-merge-crashes");
    const fs::path a = dir.path / "a", b = dir.path / "b", c = dir.path / "c";
    const std::string loader = R"({"culprit": "simplify_symbols kernel/module/main.c:1324", "kind": "loader", "reason": "r"})";
    group(a, "bug-null-1", "BUG: kernel NULL pointer dereference", loader);
    group(b, "gpf-2", "general protection fault in simplify_symbols", loader);  // another title, the same line
    group(a, "warning-3", "WARNING in apply_retpolines", "");
    group(b, "warning-3", "WARNING in apply_retpolines", "");
    group(b, "module-4", "BUG: unable to handle page fault", R"({"culprit": "mh_consumer_init [mh_consumer]", "kind": "module-code"})");
    put(a / "crashes" / "index.jsonl",
        "{\"title\":\"BUG: kernel NULL pointer dereference\",\"group\":\"bug-null-1\"}\n"
        "{\"title\":\"BUG: kernel NULL pointer dereference\",\"group\":\"bug-null-1\"}\n"
        "{\"title\":\"WARNING in apply_retpolines\",\"group\":\"warning-3\"}\n{\"tit");  // a torn line
    fs::create_directories(c);  // a campaign with no crashes adds nothing
    auto u = union_crashes({a, b, c});
    ASSERT_TRUE(u.ok()) << u.error().message;
    ASSERT_EQ(u->size(), 3u);
    std::map<std::string, const UnionEntry*> by_id;
    for (const auto& e : *u) by_id[e.id] = &e;
    ASSERT_TRUE(by_id.count("loader simplify_symbols kernel/module/main.c:1324"));
    const auto& l = *by_id["loader simplify_symbols kernel/module/main.c:1324"];
    EXPECT_EQ(l.kind, "loader");
    ASSERT_EQ(l.members.size(), 2u);
    EXPECT_EQ(l.members[0].events, 2);
    EXPECT_EQ(l.members[1].group, "gpf-2");
    ASSERT_TRUE(by_id.count("untriaged WARNING in apply_retpolines"));
    EXPECT_EQ(by_id["untriaged WARNING in apply_retpolines"]->members.size(), 2u);
    EXPECT_TRUE(by_id.count("module-code mh_consumer_init [mh_consumer]"));
    const auto j = nlohmann::json::parse(crash_union_json(*u));
    EXPECT_EQ(j.value("schema", ""), "modharness.crash-union/1");
    ASSERT_EQ(j["crashes"].size(), 3u);
    int events = 0;
    for (const auto& e : j["crashes"]) events += e.value("events", 0);
    EXPECT_EQ(events, 3);

    // A group directory without its title is damage, said as such.
    fs::create_directories(c / "crashes" / "broken");
    auto bad = union_crashes({c});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("title.txt"), std::string::npos);
}

}  // namespace
}  // namespace mh::campaign
