#include "conformance/shard_runs.h"

#include <gtest/gtest.h>

namespace mh::conformance {
namespace {

using nlohmann::json;

json shard(int index, int total, std::vector<std::pair<std::string, std::string>> cases, std::string release = "6.1.0-57-cloud-amd64") {
    json s = {{"schema", "modharness.conformance/1"},
              {"kernel", {{"release", release}}},
              {"shard", {{"index", index}, {"total", total}, {"cases", cases.size()}}},
              {"started_utc", "2026-12-04T16:0" + std::to_string(index) + ":00Z"},
              {"wall_seconds", 10.0 * index},
              {"cases", json::array()},
              {"events", json::array()},
              {"groups", json::array()}};
    std::map<std::string, int> per_group;
    for (const auto& [id, verdict] : cases) {
        const std::string group = id.rfind("sig-", 0) == 0 ? "sig_enforce" : "default";
        s["cases"].push_back({{"group", group}, {"id", id}, {"verdict", verdict}, {"followed", "both"}});
        ++per_group[group];
    }
    for (const auto& [g, n] : per_group)
        s["groups"].push_back({{"name", g},
                               {"cases", n},
                               {"vms", 1},
                               {"kernel_events", 0},
                               {"wall_seconds", 5.0 * index},
                               {"first_result_seconds", 2.0},
                               {"completed", true}});
    return s;
}

TEST(ShardRuns, MergedInSuiteOrderWithCountsRecomputed) {
    auto a = shard(1, 3, {{"a1", "PASS"}, {"a2", "KERNEL"}});
    auto b = shard(2, 3, {{"a3", "PASS"}, {"sig-1", "FAIL"}});
    auto c = shard(3, 3, {{"sig-2", "PASS"}});
    c["events"].push_back({{"group", "sig_enforce"}, {"after_id", "sig-2"}, {"verdict", "KERNEL"}});
    auto m = merge_shard_runs({c, a, b});  // any order
    ASSERT_TRUE(m) << m.error().message;
    std::vector<std::string> ids;
    for (const auto& x : (*m)["cases"]) ids.push_back(x["id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a2", "a3", "sig-1", "sig-2"}));
    EXPECT_EQ((*m)["summary"]["PASS"], 3);
    EXPECT_EQ((*m)["summary"]["KERNEL"], 1);
    EXPECT_EQ((*m)["summary"]["FAIL"], 1);
    EXPECT_EQ((*m)["followed_summary"]["both"], 5);
    ASSERT_EQ((*m)["groups"].size(), 2u);
    EXPECT_EQ((*m)["groups"][0]["name"], "default");
    EXPECT_EQ((*m)["groups"][0]["cases"], 3);
    EXPECT_EQ((*m)["groups"][0]["vms"], 2);
    EXPECT_EQ((*m)["groups"][1]["cases"], 2);
    EXPECT_EQ((*m)["events"].size(), 1u);
    EXPECT_EQ((*m)["wall_seconds"], 30.0);
    EXPECT_EQ((*m)["started_utc"], "2026-12-04T16:01:00Z");
    EXPECT_FALSE(m->contains("shard"));
    EXPECT_EQ((*m)["merged_shards"], 3);
}

// More shards than the cut can fill: an empty shard ran no VM and names no kernel.
TEST(ShardRuns, AnEmptyShardJoinsWithoutAKernel) {
    auto empty = shard(1, 2, {});
    empty.erase("kernel");
    auto full = shard(2, 2, {{"a1", "PASS"}});
    full["man_page"] = {{"name", "manpages-6.03"}};
    auto m = merge_shard_runs({empty, full});
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ((*m)["kernel"]["release"], "6.1.0-57-cloud-amd64");
    EXPECT_EQ((*m)["man_page"]["name"], "manpages-6.03");
    EXPECT_EQ((*m)["cases"].size(), 1u);
}

TEST(ShardRuns, IncompleteOrMismatchedSetsAreRefused) {
    auto a = shard(1, 2, {{"a1", "PASS"}});
    auto b = shard(2, 2, {{"a2", "PASS"}});
    auto missing = merge_shard_runs({a});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("shard 2/2 is missing"), std::string::npos);
    auto twice = merge_shard_runs({a, a, b});
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.error().message.find("given twice"), std::string::npos);
    EXPECT_FALSE(merge_shard_runs({a, shard(2, 2, {{"a2", "PASS"}}, "6.12.118+deb12-cloud-amd64")}));
    EXPECT_FALSE(merge_shard_runs({a, shard(2, 3, {{"a2", "PASS"}})}));
    auto unsharded = b;
    unsharded.erase("shard");
    EXPECT_FALSE(merge_shard_runs({a, unsharded}));
    auto cut = b;
    cut["interrupted"] = true;
    auto refused = merge_shard_runs({a, cut});
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("--resume"), std::string::npos);
    EXPECT_FALSE(merge_shard_runs({}));
    EXPECT_FALSE(merge_shard_runs({json{{"schema", "modharness.fuzz/1"}}}));
}

TEST(ShardRuns, CasesThatEndedTheirVmCostABoot) {
    json run = {
        {"cases",
         {{{"group", "default"}, {"id", "oops"}, {"verdict", "KERNEL"}}, {{"group", "default"}, {"id", "ok"}, {"verdict", "PASS"}}}},
        {"events", {{{"group", "default"}, {"after_id", "late"}}}}};
    auto cost = expected_case_costs(run, 25);
    EXPECT_EQ(cost("default", "oops"), 26);
    EXPECT_EQ(cost("default", "late"), 26);
    EXPECT_EQ(cost("default", "ok"), 1);
    EXPECT_EQ(cost("sig_enforce", "oops"), 1);
    EXPECT_EQ(cost("default", "never-ran"), 1);
}

}  // namespace
}  // namespace mh::conformance
