#include "harness/session/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace mh::session {
namespace {

TEST(Shard, ParsesIOverNAndRefusesTheRest) {
    auto s = parse_shard("2/3");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->index, 2);
    EXPECT_EQ(s->total, 3);
    EXPECT_EQ(s->text(), "2/3");
    for (const char* bad : {"0/3", "4/3", "3", "/3", "1/", "1/0", "a/b", "1/3x", "-1/3", "1/1001", ""}) {
        auto r = parse_shard(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().kind, ErrorKind::kUsage) << bad;
    }
}

std::map<std::string, std::string> g_env;
const char* fake_get(const char* name) {
    auto it = g_env.find(name);
    return it == g_env.end() ? nullptr : it->second.c_str();
}

TEST(Shard, GoogleTestEnvironmentIsZeroBased) {
    g_env = {};
    auto none = shard_from_environment(fake_get);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
    g_env = {{"GTEST_TOTAL_SHARDS", "3"}, {"GTEST_SHARD_INDEX", "0"}};
    auto first = shard_from_environment(fake_get);
    ASSERT_TRUE(first && first->has_value());
    EXPECT_EQ((*first)->text(), "1/3");
    g_env = {{"GTEST_TOTAL_SHARDS", "3"}, {"GTEST_SHARD_INDEX", "3"}};
    EXPECT_FALSE(shard_from_environment(fake_get));
    g_env = {{"GTEST_TOTAL_SHARDS", "x"}};
    EXPECT_FALSE(shard_from_environment(fake_get));
}

// Every item is in exactly one shard, each shard is contiguous, and the split repeats.
TEST(Shard, ShardsPartitionTheListIntoContiguousRuns) {
    std::vector<double> costs(439, 1.0);
    for (int n : {1, 2, 3, 7, 439, 500}) {
        std::vector<int> owner(costs.size(), 0);
        for (int k = 1; k <= n; ++k) {
            auto in = shard_members(costs, {k, n});
            EXPECT_EQ(in, shard_members(costs, {k, n}));
            for (size_t i = 0; i < in.size(); ++i) {
                if (in[i]) owner[i] = owner[i] ? -1 : k;
            }
        }
        for (size_t i = 0; i < owner.size(); ++i) {
            ASSERT_GT(owner[i], 0) << "n=" << n << " item " << i;
            if (i > 0) {
                ASSERT_GE(owner[i], owner[i - 1]) << "n=" << n;
            }
        }
    }
}

// Expensive items (a case that reboots the VM) count for more: the cut moves towards them.
TEST(Shard, CutsBalanceExpectedCostNotCount) {
    std::vector<double> costs(100, 1.0);
    for (int i = 0; i < 10; ++i) costs[i] = 20.0;  // 200 of the 290 in the first ten
    auto first = shard_members(costs, {1, 2});
    size_t count = 0;
    double cost = 0;
    for (size_t i = 0; i < first.size(); ++i) {
        if (!first[i]) continue;
        ++count;
        cost += costs[i];
    }
    EXPECT_LT(count, 20u);
    EXPECT_NEAR(cost, 145.0, 20.0);
    auto empty = shard_members({}, {1, 3});
    EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace mh::session
