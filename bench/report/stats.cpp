// Sample statistics: order-statistic quantiles and percentile-bootstrap intervals.
#include "bench/report/stats.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace mh::bench {
namespace {

double sorted_quantile(const std::vector<double>& s, double q) {
    if (s.empty()) return 0;
    double pos = q * static_cast<double>(s.size() - 1);
    auto lo = static_cast<size_t>(pos);
    size_t hi = std::min(lo + 1, s.size() - 1);
    double frac = pos - static_cast<double>(lo);
    return s[lo] + (s[hi] - s[lo]) * frac;
}

std::vector<double> bootstrap_medians(const std::vector<double>& v, int resamples, std::mt19937_64& rng) {
    std::vector<double> out;
    if (v.empty()) return out;
    out.reserve(static_cast<size_t>(resamples));
    std::uniform_int_distribution<size_t> pick(0, v.size() - 1);
    std::vector<double> draw(v.size());
    for (int i = 0; i < resamples; ++i) {
        for (auto& d : draw) d = v[pick(rng)];
        std::sort(draw.begin(), draw.end());
        out.push_back(sorted_quantile(draw, 0.5));
    }
    return out;
}

}  // namespace

double quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    return sorted_quantile(values, q);
}

double median(std::vector<double> values) { return quantile(std::move(values), 0.5); }

Summary summarize(const std::vector<double>& values, int resamples, uint64_t seed) {
    Summary s;
    s.n = values.size();
    if (values.empty()) return s;
    std::vector<double> v = values;
    std::sort(v.begin(), v.end());
    s.min = v.front();
    s.max = v.back();
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    s.median = sorted_quantile(v, 0.5);
    s.p95 = sorted_quantile(v, 0.95);
    std::mt19937_64 rng(seed);
    auto meds = bootstrap_medians(v, resamples, rng);
    std::sort(meds.begin(), meds.end());
    s.ci_lo = sorted_quantile(meds, 0.025);
    s.ci_hi = sorted_quantile(meds, 0.975);
    return s;
}

RatioEstimate ratio_of_medians(const std::vector<double>& num, const std::vector<double>& den, int resamples, uint64_t seed) {
    RatioEstimate r;
    if (num.empty() || den.empty()) return r;
    double dm = median(den);
    r.ratio = dm != 0 ? median(num) / dm : 0;
    std::mt19937_64 rng(seed);
    auto a = bootstrap_medians(num, resamples, rng);
    auto b = bootstrap_medians(den, resamples, rng);
    std::vector<double> ratios;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (b[i] != 0) ratios.push_back(a[i] / b[i]);
    std::sort(ratios.begin(), ratios.end());
    r.ci_lo = sorted_quantile(ratios, 0.025);
    r.ci_hi = sorted_quantile(ratios, 0.975);
    return r;
}

}  // namespace mh::bench
