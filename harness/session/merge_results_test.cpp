#include "harness/session/merge_results.h"

#include <gtest/gtest.h>

namespace mh::session {
namespace {

ResultShard shard(int index, int total, std::string results, bool finished = true) {
    return {{{"schema", "modharness.shard/1"}, {"index", index}, {"total", total}, {"finished", finished}},
            std::move(results),
            "s" + std::to_string(index)};
}

TEST(MergeResults, LinesJoinInShardOrder) {
    auto m = merge_result_shards({shard(2, 2, "{\"id\":\"c\"}\n"), shard(1, 2, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n")});
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(*m, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n");
}

TEST(MergeResults, IncompleteUnfinishedOrBrokenShardsAreRefused) {
    auto missing = merge_result_shards({shard(1, 3, "{}\n"), shard(3, 3, "{}\n")});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("shard 2/3 is missing"), std::string::npos);
    EXPECT_FALSE(merge_result_shards({shard(1, 2, "{}\n"), shard(2, 2, "{}\n", false)}));
    auto broken = merge_result_shards({shard(1, 1, "{}\nnot json\n")});
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("s1/results.jsonl:2"), std::string::npos);
    auto foreign = shard(1, 1, "{}\n");
    foreign.marker["schema"] = "modharness.conformance/1";
    EXPECT_FALSE(merge_result_shards({foreign}));
    EXPECT_FALSE(merge_result_shards({}));
}

}  // namespace
}  // namespace mh::session
