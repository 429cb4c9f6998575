// Sample statistics for benchmark reports: median, p95, bootstrap confidence intervals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mh::bench {

struct Summary {
    size_t n = 0;
    double min = 0, max = 0, mean = 0;
    double median = 0;
    double p95 = 0;  // linear interpolation between order statistics
    double ci_lo = 0, ci_hi = 0;  // 95 % bootstrap percentile interval of the median
};

// Quantile q in [0,1] of unsorted values (linear interpolation, as numpy's default). 0 if empty.
double quantile(std::vector<double> values, double q);
double median(std::vector<double> values);

// Deterministic (fixed seed) so a report regenerated from the same samples is identical.
Summary summarize(const std::vector<double>& values, int resamples = 2000, uint64_t seed = 1);

struct RatioEstimate {
    double ratio = 0;  // median(num) / median(den)
    double ci_lo = 0, ci_hi = 0;  // 95 % bootstrap interval (num and den resampled independently)
};
RatioEstimate ratio_of_medians(const std::vector<double>& num, const std::vector<double>& den, int resamples = 2000, uint64_t seed = 2);

}  // namespace mh::bench
