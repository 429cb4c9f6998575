// Stats: quantiles on known data, bootstrap intervals bracket the median and are deterministic.
#include "bench/report/stats.h"

#include <gtest/gtest.h>

using namespace mh::bench;

TEST(Stats, MedianAndQuantiles) {
    EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
    EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
    EXPECT_DOUBLE_EQ(median({}), 0);
    std::vector<double> v;
    for (int i = 1; i <= 101; ++i) v.push_back(i);
    EXPECT_DOUBLE_EQ(quantile(v, 0.95), 96);
    EXPECT_DOUBLE_EQ(quantile(v, 0), 1);
    EXPECT_DOUBLE_EQ(quantile(v, 1), 101);
    EXPECT_DOUBLE_EQ(quantile({10, 20}, 0.95), 19.5);  // interpolated
}

TEST(Stats, SummaryBracketsMedian) {
    std::vector<double> v = {10, 11, 12, 13, 14, 15, 16, 17, 18, 100};
    auto s = summarize(v);
    EXPECT_EQ(s.n, 10u);
    EXPECT_DOUBLE_EQ(s.median, 14.5);
    EXPECT_DOUBLE_EQ(s.min, 10);
    EXPECT_DOUBLE_EQ(s.max, 100);
    EXPECT_LE(s.ci_lo, s.median);
    EXPECT_GE(s.ci_hi, s.median);
    EXPECT_GE(s.ci_lo, 10);
    EXPECT_LE(s.ci_hi, 18);  // the outlier cannot drag a median interval up to 100
    EXPECT_GT(s.p95, 18);
    auto again = summarize(v);
    EXPECT_DOUBLE_EQ(again.ci_lo, s.ci_lo);
    EXPECT_DOUBLE_EQ(again.ci_hi, s.ci_hi);
}

TEST(Stats, ConstantSamplesHaveZeroWidthInterval) {
    auto s = summarize({5, 5, 5, 5});
    EXPECT_DOUBLE_EQ(s.ci_lo, 5);
    EXPECT_DOUBLE_EQ(s.ci_hi, 5);
    EXPECT_DOUBLE_EQ(s.p95, 5);
}

TEST(Stats, RatioOfMedians) {
    std::vector<double> a = {20, 21, 19, 20, 22}, b = {10, 10.5, 9.5, 10, 11};
    auto r = ratio_of_medians(a, b);
    EXPECT_DOUBLE_EQ(r.ratio, 2.0);
    EXPECT_LE(r.ci_lo, 2.0);
    EXPECT_GE(r.ci_hi, 2.0);
    EXPECT_GT(r.ci_lo, 1.5);
    EXPECT_LT(r.ci_hi, 2.5);
    EXPECT_DOUBLE_EQ(ratio_of_medians({}, b).ratio, 0);
}
