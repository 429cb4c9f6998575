// The bench plan from option values: defaults, --quick, overrides and the usage errors.
#include "bench/runner/bench_plan.h"

#include <gtest/gtest.h>

using namespace mh::bench;

TEST(BenchPlan, DefaultsWithoutOptions) {
    auto p = make_plan({});
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->sizes, (std::vector<std::string>{"8k", "64k", "512k", "4m", "16m", "64m"}));
    EXPECT_EQ(p->repeat, 1);
    EXPECT_EQ(p->reps, 21);
    EXPECT_EQ(p->reps_large, 15);
    EXPECT_EQ(p->reject_reps, 60);
    EXPECT_EQ(p->calib_reps, 9);
    EXPECT_EQ(p->large_from, 4u << 20);
    EXPECT_EQ(p->xz_max, 4u << 20);
    EXPECT_EQ(p->calib_bytes, 64u << 20);
    EXPECT_EQ(p->memory_mb, 2048);
    EXPECT_TRUE(p->interleave);
}

TEST(BenchPlan, QuickThenExplicitOptionsOverride) {
    PlanOptions o;
    o.quick = true;
    o.reps = "7";
    o.xz_max = "0";
    o.no_interleave = true;
    auto p = make_plan(o);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->sizes, (std::vector<std::string>{"8k", "64k"}));
    EXPECT_EQ(p->reps, 7);
    EXPECT_EQ(p->reps_large, 3);
    EXPECT_EQ(p->reject_reps, 5);
    EXPECT_EQ(p->calib_reps, 2);
    EXPECT_EQ(p->xz_max, 0u);
    EXPECT_EQ(p->calib_bytes, 8u << 20);
    EXPECT_FALSE(p->interleave);
}

TEST(BenchPlan, SizesListSkipsEmptyItems) {
    PlanOptions o;
    o.sizes = "16k,,1m,";
    o.large_from = "1m";
    o.memory = "4096";
    auto p = make_plan(o);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->sizes, (std::vector<std::string>{"16k", "1m"}));
    EXPECT_EQ(p->large_from, 1u << 20);
    EXPECT_EQ(p->memory_mb, 4096);
}

TEST(BenchPlan, UsageErrors) {
    PlanOptions bad_size;
    bad_size.sizes = "8k,lots";
    auto a = make_plan(bad_size);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, "bad size 'lots'");

    PlanOptions bad_bytes;
    bad_bytes.xz_max = "huge";
    auto b = make_plan(bad_bytes);
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().message.rfind("--xz-max: ", 0), 0u);

    PlanOptions not_number;
    not_number.reps = "many";
    auto c = make_plan(not_number);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message, "numeric option expected");

    PlanOptions zero;
    zero.repeat = "0";
    auto d = make_plan(zero);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().message, "counts must be >= 1");
}
