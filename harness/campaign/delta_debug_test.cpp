#include "harness/campaign/delta_debug.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mh::campaign {
namespace {

bool contains(const std::vector<size_t>& set, std::initializer_list<size_t> needed) {
    return std::all_of(needed.begin(), needed.end(), [&](size_t x) { return std::find(set.begin(), set.end(), x) != set.end(); });
}

// A synthetic crash: it needs differences 3 and 17 of 40 together. The tester runs a batch in
// order like a VM and stops at the first failing candidate.
TEST(Ddmin, FindsTheTwoDifferencesACrashNeeds) {
    int candidates_run = 0;
    auto tester = [&](const std::vector<std::vector<size_t>>& cands) -> Expected<BatchOutcome> {
        for (size_t i = 0; i < cands.size(); ++i) {
            ++candidates_run;
            if (contains(cands[i], {3, 17})) return BatchOutcome{i, i + 1};
        }
        return BatchOutcome{std::nullopt, cands.size()};
    };
    auto r = ddmin(40, tester, 64);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->kept, (std::vector<size_t>{3, 17}));
    EXPECT_FALSE(r->exhausted);
    EXPECT_LE(r->batches, 20) << "batched ddmin on 40 differences should need few VMs";
    EXPECT_GT(candidates_run, r->batches);  // batches hold several candidates
}

// A crash that needs none of the image differences (the call alone does it) is found in one batch.
TEST(Ddmin, EmptySetFirst) {
    auto tester = [](const std::vector<std::vector<size_t>>&) -> Expected<BatchOutcome> { return BatchOutcome{0, 1}; };
    auto r = ddmin(12, tester, 8);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->kept.empty());
    EXPECT_EQ(r->batches, 1);
}

// A VM that dies differently after two candidates: the rest of the batch runs in the next VM, and
// the two that ran are not asked again.
TEST(Ddmin, ShortBatchesAreResumed) {
    std::vector<std::vector<size_t>> seen;
    auto tester = [&](const std::vector<std::vector<size_t>>& cands) -> Expected<BatchOutcome> {
        for (size_t i = 0; i < cands.size(); ++i) {
            EXPECT_TRUE(std::find(seen.begin(), seen.end(), cands[i]) == seen.end()) << "a candidate ran twice";
            seen.push_back(cands[i]);
            if (contains(cands[i], {5})) return BatchOutcome{i, i + 1};
            if (i == 1) return BatchOutcome{std::nullopt, 2};  // crashed as something else
        }
        return BatchOutcome{std::nullopt, cands.size()};
    };
    auto r = ddmin(9, tester, 64);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->kept, (std::vector<size_t>{5}));
}

// The VM budget ends the search: what is kept still fails, and the result says it stopped early.
TEST(Ddmin, BudgetExhausted) {
    auto tester = [](const std::vector<std::vector<size_t>>& cands) -> Expected<BatchOutcome> {
        for (size_t i = 0; i < cands.size(); ++i)
            if (contains(cands[i], {1, 30, 60})) return BatchOutcome{i, i + 1};
        return BatchOutcome{std::nullopt, cands.size()};
    };
    auto r = ddmin(64, tester, 3);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->exhausted);
    EXPECT_EQ(r->batches, 3);
    EXPECT_TRUE(contains(r->kept, {1, 30, 60}));
}

// A tester error (the VM did not boot) is the result, not a guess.
TEST(Ddmin, TesterErrorPropagates) {
    auto tester = [](const std::vector<std::vector<size_t>>&) -> Expected<BatchOutcome> { return environment_error("no boot"); };
    auto r = ddmin(4, tester, 8);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "no boot");
}

}  // namespace
}  // namespace mh::campaign
