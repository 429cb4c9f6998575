// A small SVG line-plot writer (log or linear axes, markers, error bars, legend): our own code,
// so reports need no plotting library.
#pragma once

#include <string>
#include <vector>

namespace mh::bench {

struct PlotPoint {
    double x = 0, y = 0;
    double y_lo = 0, y_hi = 0;  // error bar; ignored when y_lo == y_hi
};

struct PlotSeries {
    std::string label;
    std::vector<PlotPoint> points;
    bool dashed = false;
    int color = -1;  // palette index; -1: next unused (same index = same colour, e.g. one path on two kernels)
};

struct PlotSpec {
    std::string title;
    std::string x_label, y_label;
    bool log_x = true, log_y = true;
    int width = 1000, height = 540;
    std::vector<double> y_reference;  // horizontal guide lines (e.g. ratio 1.0)
};

// Points with non-positive coordinates on a log axis are skipped. Deterministic output.
std::string render_svg(const PlotSpec& spec, const std::vector<PlotSeries>& series);

// "8 KiB", "64 MiB" — tick labels for byte axes; numbers otherwise.
std::string format_bytes(double bytes);
// XML text escape.
std::string xml_escape(const std::string& s);

}  // namespace mh::bench
