// The report's SVG plots: latency and ratio to the buffer path against size, and delete_module latency;
// a path keeps its colour on both kernels, the second kernel is dashed.
#include "bench/report/report_outputs.h"
#include "bench/report/svg_plot.h"

namespace mh::bench {
namespace {

PlotSpec spec(std::string title, std::string x, std::string y) {
    PlotSpec p;
    p.title = std::move(title);
    p.x_label = std::move(x);
    p.y_label = std::move(y);
    return p;
}

// Points in µs of the sizes where `summary_at` has one.
template <typename SummaryAt>
std::vector<PlotPoint> points(const KernelFigures& f, SummaryAt summary_at) {
    std::vector<PlotPoint> pts;
    for (const auto& sz : f.sizes)
        if (const std::optional<Summary>& s = summary_at(sz); s) pts.push_back({sz.bytes, s->median / 1e3, s->ci_lo / 1e3, s->ci_hi / 1e3});
    return pts;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_plots(const ReportInput& in, const std::vector<KernelFigures>& kernels) {
    std::vector<PlotSeries> lat_series, ratio_series, unload_series;
    const bool two = kernels.size() > 1;
    for (size_t ki = 0; ki < kernels.size(); ++ki) {
        const auto& f = kernels[ki];
        const std::string prefix = two ? f.kernel->kernel + ": " : std::string();
        for (size_t ri = 0; ri < kRatioPaths.size(); ++ri) {
            std::vector<PlotPoint> pts;
            for (const auto& sz : f.sizes)
                if (const auto& c = sz.ratios[ri]; c.present) pts.push_back({sz.bytes, c.pooled.ratio, c.pooled.ci_lo, c.pooled.ci_hi});
            if (!pts.empty()) ratio_series.push_back({prefix + kRatioPaths[ri] + "/buffer", pts, ki > 0, static_cast<int>(ri)});
        }
        for (size_t pi = 0; pi < load_paths().size(); ++pi) {
            auto pts = points(f, [pi](const SizeFigures& sz) -> const std::optional<Summary>& { return sz.latency[pi].summary; });
            if (!pts.empty()) lat_series.push_back({prefix + load_paths()[pi].id, pts, ki > 0, static_cast<int>(pi)});
        }
        auto upts = points(f, [](const SizeFigures& sz) -> const std::optional<Summary>& { return sz.unload; });
        if (!upts.empty()) unload_series.push_back({prefix + "delete_module", upts, ki > 0, 0});
    }
    const std::string acc = accel_title(in.accel);
    PlotSpec lat = spec("Load latency vs module size (" + acc + ", log-log)", "module size (bytes)", "latency (µs)");
    PlotSpec rat = spec("Ratio to init_module from a buffer (" + acc + ")", "module size (bytes)", "latency / buffer-path latency");
    rat.log_y = false;
    rat.y_reference = {1.0};
    PlotSpec unl = spec("delete_module latency vs module size (" + acc + ")", "module size (bytes)", "latency (µs)");
    return {{"latency.svg", render_svg(lat, lat_series)},
            {"ratio.svg", render_svg(rat, ratio_series)},
            {"unload.svg", render_svg(unl, unload_series)}};
}

}  // namespace mh::bench
