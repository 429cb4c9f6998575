// Closed-form weighted linear least squares.
#include "bench/report/cost_model.h"

#include <algorithm>
#include <cmath>

namespace mh::bench {

CostModel fit_weighted(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& w) {
    CostModel m;
    size_t n = std::min({x.size(), y.size(), w.size()});
    m.points = n;
    double sw = 0, sx = 0, sy = 0;
    for (size_t i = 0; i < n; ++i) {
        sw += w[i];
        sx += w[i] * x[i];
        sy += w[i] * y[i];
    }
    if (n < 2 || sw <= 0) return m;
    double mx = sx / sw, my = sy / sw;
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < n; ++i) {
        sxx += w[i] * (x[i] - mx) * (x[i] - mx);
        sxy += w[i] * (x[i] - mx) * (y[i] - my);
        syy += w[i] * (y[i] - my) * (y[i] - my);
    }
    if (sxx <= 0) return m;
    m.per_byte_ns = sxy / sxx;
    m.fixed_ns = my - m.per_byte_ns * mx;
    double sse = 0;
    for (size_t i = 0; i < n; ++i) {
        double e = y[i] - (m.fixed_ns + m.per_byte_ns * x[i]);
        sse += w[i] * e * e;
    }
    m.r2 = syy > 0 ? 1.0 - sse / syy : 1.0;
    m.ok = true;
    return m;
}

CostModel fit_cost_model(const std::vector<double>& bytes, const std::vector<double>& ns) {
    std::vector<double> w;
    for (double v : ns) w.push_back(v > 0 ? 1.0 / (v * v) : 0.0);
    return fit_weighted(bytes, ns, w);
}

}  // namespace mh::bench
