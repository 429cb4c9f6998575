// Google Benchmark JSON: names, per-repetition samples in ns, counters, errors, NaN aggregates.
#include "bench/report/gbench_json.h"

#include <gtest/gtest.h>

using namespace mh::bench;

TEST(GbenchJson, BaseName) {
    EXPECT_EQ(base_benchmark_name("load/buffer/8k/iterations:1/repeats:9/manual_time"), "load/buffer/8k");
    EXPECT_EQ(base_benchmark_name("calib/memcpy"), "calib/memcpy");
    EXPECT_EQ(base_benchmark_name("reject/bad-fd/finit/iterations:1/repeats:60/manual_time_median"),
              "reject/bad-fd/finit/manual_time_median");
}

TEST(GbenchJson, SanitizesNonFiniteValues) {
    EXPECT_EQ(sanitize_gbench_json("{\"a\": NaN, \"b\": -inf, \"c\": \"NaN\"}"), "{\"a\": null, \"b\": null, \"c\": \"NaN\"}");
}

TEST(GbenchJson, ParsesRepetitionsCountersAndErrors) {
    std::string text = R"JSON({"context": {}, "benchmarks": [
      {"name": "load/buffer/8k/iterations:1/repeats:2/manual_time", "run_name": "load/buffer/8k/iterations:1/repeats:2/manual_time",
       "run_type": "iteration", "real_time": 12.5, "time_unit": "us", "bytes": 120936, "errno": 0, "unload_ns": 5000},
      {"name": "load/buffer/8k/iterations:1/repeats:2/manual_time", "run_name": "load/buffer/8k/iterations:1/repeats:2/manual_time",
       "run_type": "iteration", "real_time": 1.5e-2, "time_unit": "ms", "bytes": 120936, "errno": 0, "unload_ns": 6000},
      {"name": "load/buffer/8k/iterations:1/repeats:2/manual_time_cv", "run_name": "load/buffer/8k/iterations:1/repeats:2/manual_time",
       "run_type": "aggregate", "real_time": NaN, "time_unit": "us", "errno": NaN},
      {"name": "xz/finit_compressed/8k/iterations:1/repeats:2/manual_time", "run_name": "xz/finit_compressed/8k/iterations:1/repeats:2/manual_time",
       "run_type": "iteration", "error_occurred": true, "error_message": "load failed: errno 95 (Operation not supported)"}
    ]})JSON";
    auto r = parse_gbench_json(text);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->count("load/buffer/8k"), 1u);
    const auto& s = r->at("load/buffer/8k");
    EXPECT_EQ(s.ns, (std::vector<double>{12500, 15000}));
    EXPECT_EQ(s.unload_ns, (std::vector<double>{5000, 6000}));
    EXPECT_DOUBLE_EQ(s.bytes, 120936);
    const auto& x = r->at("xz/finit_compressed/8k");
    EXPECT_TRUE(x.ns.empty());
    EXPECT_EQ(x.errors, 1u);
    EXPECT_NE(x.error.find("errno 95"), std::string::npos);
}

TEST(GbenchJson, RejectsGarbage) {
    EXPECT_FALSE(parse_gbench_json("not json"));
    EXPECT_FALSE(parse_gbench_json("{\"context\": {}}"));
}
