// Report figures: pooled samples per kernel, per-run ratios for the run-to-run spread, cost models.
#include "bench/report/report_figures.h"

#include <algorithm>
#include <map>
#include <set>

namespace mh::bench {
namespace {

std::vector<double> pooled(const KernelRuns& k, const std::string& name, bool unload = false) {
    std::vector<double> out;
    for (const auto& r : k.runs) {
        auto it = r.series.find(name);
        if (it == r.series.end()) continue;
        const auto& v = unload ? it->second.unload_ns : it->second.ns;
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

const SeriesData* first_series(const KernelRuns& k, const std::string& name) {
    for (const auto& r : k.runs) {
        auto it = r.series.find(name);
        if (it != r.series.end()) return &it->second;
    }
    return nullptr;
}

// ns per byte of a calibration series (median time / bytes).
double per_byte(const KernelRuns& k, const std::string& name) {
    auto v = pooled(k, name);
    const SeriesData* s = first_series(k, name);
    if (v.empty() || !s || s->bytes <= 0) return 0;
    return median(v) / s->bytes;
}

std::optional<Summary> summary_of(const std::vector<double>& v) {
    if (v.empty()) return std::nullopt;
    return summarize(v);
}

LatencyCell latency_cell(const KernelRuns& k, const std::string& name) {
    LatencyCell c;
    c.summary = summary_of(pooled(k, name));
    if (const SeriesData* sd = first_series(k, name)) c.error = sd->error;
    return c;
}

RatioCell ratio_cell(const KernelRuns& k, const std::string& path, const std::string& label) {
    RatioCell c;
    const std::string name = "load/" + path + "/" + label, base_name = "load/buffer/" + label;
    auto v = pooled(k, name);
    auto base = pooled(k, base_name);
    if (v.empty() || base.empty()) return c;
    c.present = true;
    c.pooled = ratio_of_medians(v, base);
    for (const auto& run : k.runs) {
        auto a = run.series.find(name);
        auto b = run.series.find(base_name);
        if (a == run.series.end() || b == run.series.end() || a->second.ns.empty() || b->second.ns.empty()) continue;
        c.per_run.push_back(median(a->second.ns) / median(b->second.ns));
    }
    if (c.per_run.size() > 1)
        c.spread = *std::max_element(c.per_run.begin(), c.per_run.end()) - *std::min_element(c.per_run.begin(), c.per_run.end());
    return c;
}

SizeFigures size_figures(const KernelRuns& k, const std::string& label, double bytes) {
    SizeFigures f;
    f.label = label;
    f.bytes = bytes;
    std::vector<double> unload;
    for (const auto& p : load_paths()) {
        const std::string name = std::string("load/") + p.id + "/" + label;
        f.latency.push_back(latency_cell(k, name));
        auto u = pooled(k, name, true);
        unload.insert(unload.end(), u.begin(), u.end());
    }
    for (const char* rp : kRatioPaths) f.ratios.push_back(ratio_cell(k, rp, label));
    f.unload = summary_of(unload);
    return f;
}

// Weighted least squares over the size medians, per load path.
std::vector<CostModel> cost_models(const std::vector<SizeFigures>& sizes) {
    std::vector<CostModel> out;
    for (size_t pi = 0; pi < load_paths().size(); ++pi) {
        std::vector<double> xs, ys;
        for (const auto& s : sizes) {
            if (!s.latency[pi].summary) continue;
            xs.push_back(s.bytes);
            ys.push_back(s.latency[pi].summary->median);
        }
        out.push_back(fit_cost_model(xs, ys));
    }
    return out;
}

std::optional<XzRow> xz_row(const KernelRuns& k, const std::string& label) {
    const SeriesData* fc = first_series(k, "xz/finit_compressed/" + label);
    const SeriesData* ux = first_series(k, "xz/user_xz/" + label);
    if (!fc && !ux) return std::nullopt;
    XzRow x;
    x.label = label;
    x.has_finit = fc != nullptr;
    x.has_user = ux != nullptr;
    if (fc) x.finit_error = fc->error;
    if (ux) x.user_error = ux->error;
    auto a = pooled(k, "xz/finit_compressed/" + label), b = pooled(k, "xz/user_xz/" + label);
    x.finit = summary_of(a);
    x.user = summary_of(b);
    if (!a.empty() && !b.empty()) x.ratio = ratio_of_medians(a, b);
    return x;
}

std::vector<RejectRow> reject_rows(const KernelRuns& k) {
    std::set<std::string> names;
    for (const auto& r : k.runs)
        for (const auto& [name, s] : r.series)
            if (name.rfind("reject/", 0) == 0) names.insert(name);
    std::vector<RejectRow> rows;
    for (const auto& name : names) {
        RejectRow row;
        auto slash = name.rfind('/');
        row.klass = name.substr(7, slash - 7);
        row.call = name.substr(slash + 1);
        if (const SeriesData* sd = first_series(k, name)) {
            row.has_series = true;
            row.err = sd->err;
            row.error = sd->error;
        }
        row.summary = summary_of(pooled(k, name));
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace

std::vector<std::pair<std::string, double>> kernel_sizes(const KernelRuns& k) {
    std::map<std::string, double> m;
    for (const auto& r : k.runs)
        for (auto& [label, bytes] : sizes_of(r)) m[label] = bytes;
    std::vector<std::pair<std::string, double>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second < b.second; });
    return v;
}

KernelFigures compute_figures(const KernelRuns& k) {
    KernelFigures f;
    f.kernel = &k;
    auto sizes = kernel_sizes(k);
    for (const auto& [label, bytes] : sizes) f.sizes.push_back(size_figures(k, label, bytes));
    f.memcpy_b = per_byte(k, "calib/memcpy");
    f.pagecache_b = per_byte(k, "calib/pagecache_read");
    f.cold_b = per_byte(k, "calib/cold_read");
    f.cost = cost_models(f.sizes);
    for (const auto& [label, bytes] : sizes)
        if (auto x = xz_row(k, label)) f.xz.push_back(std::move(*x));
    f.rejects = reject_rows(k);
    return f;
}

}  // namespace mh::bench
