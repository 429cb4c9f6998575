// Cost model: exact lines are recovered; relative weighting keeps small sizes from being ignored.
#include "bench/report/cost_model.h"

#include <gtest/gtest.h>

using namespace mh::bench;

TEST(CostModel, RecoversExactLine) {
    std::vector<double> x = {8192, 65536, 524288, 4194304, 67108864};
    std::vector<double> y;
    for (double b : x) y.push_back(10000 + 2.5 * b);
    auto m = fit_cost_model(x, y);
    ASSERT_TRUE(m.ok);
    EXPECT_NEAR(m.fixed_ns, 10000, 1e-3);
    EXPECT_NEAR(m.per_byte_ns, 2.5, 1e-9);
    EXPECT_NEAR(m.r2, 1.0, 1e-12);
    EXPECT_EQ(m.points, 5u);
}

TEST(CostModel, NeedsTwoDistinctSizes) {
    EXPECT_FALSE(fit_cost_model({1000}, {5}).ok);
    EXPECT_FALSE(fit_cost_model({1000, 1000}, {5, 6}).ok);
    EXPECT_FALSE(fit_cost_model({}, {}).ok);
}

TEST(CostModel, WeightedFitMatchesHandComputed) {
    // Points (0,1), (1,3), (2,4) with unit weights: slope 1.5, intercept 7/6.
    auto m = fit_weighted({0, 1, 2}, {1, 3, 4}, {1, 1, 1});
    ASSERT_TRUE(m.ok);
    EXPECT_NEAR(m.per_byte_ns, 1.5, 1e-12);
    EXPECT_NEAR(m.fixed_ns, 7.0 / 6.0, 1e-12);
    EXPECT_LT(m.r2, 1.0);
}

TEST(CostModel, RelativeWeightsKeepTheIntercept) {
    // 10 % noise on the largest point would swamp an unweighted intercept of 100; relative weights
    // keep it near the truth because the small points count as much as the large one.
    std::vector<double> x = {1000, 2000, 4000, 1e8};
    std::vector<double> y = {100 + 1000, 100 + 2000, 100 + 4000, (100 + 1e8) * 1.1};
    auto m = fit_cost_model(x, y);
    ASSERT_TRUE(m.ok);
    EXPECT_NEAR(m.fixed_ns, 100, 90);
    auto plain = fit_weighted(x, y, {1, 1, 1, 1});
    EXPECT_GT(std::abs(plain.fixed_ns - 100), std::abs(m.fixed_ns - 100));
}
