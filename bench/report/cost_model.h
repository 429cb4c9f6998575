// The cost model of a load path: latency = fixed + per_byte × size, fitted by least squares.
#pragma once

#include <cstddef>
#include <vector>

namespace mh::bench {

struct CostModel {
    double fixed_ns = 0;  // intercept
    double per_byte_ns = 0;  // slope
    double r2 = 0;  // coefficient of determination (weighted)
    size_t points = 0;
    bool ok = false;  // false with fewer than two distinct sizes
};

// Weighted least squares with weights 1/y² (relative residuals), so an 8 KiB point counts as much
// as a 64 MiB one: unweighted, the largest sizes alone would decide the intercept.
CostModel fit_cost_model(const std::vector<double>& bytes, const std::vector<double>& ns);

// Ordinary least squares with explicit weights (for tests and other fits).
CostModel fit_weighted(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& w);

}  // namespace mh::bench
