// SVG writer: well-formed output, series and legend present, log axes skip non-positive points.
#include "bench/report/svg_plot.h"

#include <gtest/gtest.h>

using namespace mh::bench;

namespace {
size_t count(const std::string& s, const std::string& needle) {
    size_t n = 0;
    for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
    return n;
}
}  // namespace

TEST(SvgPlot, RendersSeriesLegendAndTicks) {
    PlotSpec spec;
    spec.title = "Latency <TCG> & more";
    spec.x_label = "module size (bytes)";
    spec.y_label = "latency (µs)";
    std::vector<PlotSeries> series = {
        {"buffer", {{8192, 100, 90, 110}, {65536, 200, 200, 200}, {67108864, 10000, 9000, 11000}}, false, -1},
        {"finit_warm", {{8192, 120, 0, 0}, {65536, 0, 0, 0}, {67108864, 12000, 0, 0}}, true, -1},
    };
    std::string svg = render_svg(spec, series);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_NE(svg.find("Latency &lt;TCG&gt; &amp; more"), std::string::npos);
    EXPECT_EQ(count(svg, "<polyline"), 2u);
    // 3 + 2 markers (the y=0 point is skipped on a log axis) + 2 legend entries.
    EXPECT_EQ(count(svg, "<circle"), 5u);
    EXPECT_NE(svg.find(">buffer<"), std::string::npos);
    EXPECT_NE(svg.find(">finit_warm<"), std::string::npos);
    EXPECT_NE(svg.find("stroke-dasharray=\"6,4\""), std::string::npos);
    EXPECT_NE(svg.find(">8 KiB<"), std::string::npos);  // byte axes tick at powers of 8
    EXPECT_NE(svg.find(">4 MiB<"), std::string::npos);
    EXPECT_EQ(svg, render_svg(spec, series));  // deterministic
}

TEST(SvgPlot, LinearAxisAndReferenceLine) {
    PlotSpec spec;
    spec.log_y = false;
    spec.y_reference = {1.0};
    spec.x_label = "module size (bytes)";
    std::string svg = render_svg(spec, {{"ratio", {{8192, 0.9, 0.8, 1.0}, {1 << 20, 1.2, 1.1, 1.3}}, false, 3}});
    EXPECT_NE(svg.find("#ff7f0e"), std::string::npos);  // palette index 3
    EXPECT_NE(svg.find("stroke-dasharray=\"2,3\""), std::string::npos);
    EXPECT_EQ(count(svg, "<circle"), 2u);
}

TEST(SvgPlot, EmptyPlotIsStillValid) {
    std::string svg = render_svg(PlotSpec{}, {});
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(SvgPlot, FormatBytes) {
    EXPECT_EQ(format_bytes(8192), "8 KiB");
    EXPECT_EQ(format_bytes(64.0 * 1024 * 1024), "64 MiB");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(100), "100 B");
}
