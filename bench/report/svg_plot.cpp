// SVG rendering: axes with decade (log) or nice (linear) ticks, polylines, markers, legend.
#include "bench/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mh::bench {
namespace {

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#17becf", "#bcbd22"};

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string short_num(double v) {
    char buf[64];
    double a = std::fabs(v);
    if (a >= 1e9 || (a > 0 && a < 1e-2))
        std::snprintf(buf, sizeof buf, "%.0e", v);
    else if (a >= 100 || v == std::floor(v))
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.2g", v);
    return buf;
}

struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    bool bytes = false;  // log axis of byte sizes: ticks at 8 KiB × powers of 8 (8 KiB, 64 KiB, 512 KiB, 4 MiB, ...)
    double to_unit(double v) const {
        if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
        return (v - lo) / (hi - lo);
    }
    std::vector<double> ticks() const {
        std::vector<double> t;
        if (log && bytes) {
            for (double e = std::floor(std::log2(lo)); e <= std::ceil(std::log2(hi)); e += 1) {
                double v = std::pow(2.0, e);
                if (static_cast<long long>(e) % 3 == 1 && v >= lo * 0.999 && v <= hi * 1.001) t.push_back(v);
            }
            if (t.size() < 2) t = {lo, hi};
        } else if (log) {
            for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); e += 1) {
                double v = std::pow(10.0, e);
                if (v >= lo * 0.999 && v <= hi * 1.001) t.push_back(v);
            }
            if (t.size() < 2) t = {lo, hi};
        } else {
            double span = hi - lo;
            double step = std::pow(10.0, std::floor(std::log10(span / 5)));
            for (double m : {1.0, 2.0, 5.0, 10.0})
                if (span / (step * m) <= 6) {
                    step *= m;
                    break;
                }
            for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(v);
        }
        return t;
    }
};

Axis make_axis(std::vector<double> vals, bool log, bool bytes = false) {
    Axis a;
    a.log = log;
    a.bytes = bytes;
    vals.erase(std::remove_if(vals.begin(), vals.end(), [&](double v) { return !std::isfinite(v) || (log && v <= 0); }), vals.end());
    if (vals.empty()) {
        a.lo = log ? 1 : 0;
        a.hi = log ? 10 : 1;
        return a;
    }
    auto [mn, mx] = std::minmax_element(vals.begin(), vals.end());
    a.lo = *mn;
    a.hi = *mx;
    if (log && bytes) {
        a.lo = std::pow(2.0, std::floor(std::log2(a.lo)));
        a.hi = std::pow(2.0, std::ceil(std::log2(a.hi)));
        if (a.hi <= a.lo) a.hi = a.lo * 2;
    } else if (log) {
        a.lo = std::pow(10.0, std::floor(std::log10(a.lo)));
        a.hi = std::pow(10.0, std::ceil(std::log10(a.hi)));
        if (a.hi <= a.lo) a.hi = a.lo * 10;
    } else {
        double pad = (a.hi - a.lo) * 0.08;
        if (pad == 0) pad = std::fabs(a.hi) * 0.1 + 0.1;
        a.lo -= pad;
        a.hi += pad;
    }
    return a;
}

}  // namespace

std::string xml_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

std::string format_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    int u = 0;
    while (b >= 1024 && u < 3) {
        b /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, b == std::floor(b) ? "%.0f %s" : "%.1f %s", b, units[u]);
    return buf;
}

std::string render_svg(const PlotSpec& spec, const std::vector<PlotSeries>& series) {
    std::vector<double> xs, ys;
    for (const auto& s : series)
        for (const auto& p : s.points) {
            xs.push_back(p.x);
            ys.push_back(p.y);
            if (p.y_lo != p.y_hi) {
                ys.push_back(p.y_lo);
                ys.push_back(p.y_hi);
            }
        }
    for (double r : spec.y_reference) ys.push_back(r);
    const bool x_bytes = spec.x_label.find("bytes") != std::string::npos;
    Axis ax = make_axis(xs, spec.log_x, x_bytes), ay = make_axis(ys, spec.log_y);
    const double left = 80, right = 330, top = 40, bottom = 60;
    const double pw = spec.width - left - right, ph = spec.height - top - bottom;
    auto X = [&](double v) { return left + ax.to_unit(v) * pw; };
    auto Y = [&](double v) { return top + (1 - ay.to_unit(v)) * ph; };
    auto valid = [&](double x, double y) {
        return std::isfinite(x) && std::isfinite(y) && (!spec.log_x || x > 0) && (!spec.log_y || y > 0);
    };

    std::string o;
    o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(spec.width) + "\" height=\"" + std::to_string(spec.height) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    o += "<text x=\"" + num(left + pw / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" + xml_escape(spec.title) + "</text>\n";
    // Grid and ticks.
    for (double t : ax.ticks()) {
        o += "<line x1=\"" + num(X(t)) + "\" y1=\"" + num(top) + "\" x2=\"" + num(X(t)) + "\" y2=\"" + num(top + ph) +
             "\" stroke=\"#ddd\"/>\n";
        std::string lab = x_bytes ? format_bytes(t) : short_num(t);
        o += "<text x=\"" + num(X(t)) + "\" y=\"" + num(top + ph + 16) + "\" text-anchor=\"middle\">" + xml_escape(lab) + "</text>\n";
    }
    for (double t : ay.ticks()) {
        o += "<line x1=\"" + num(left) + "\" y1=\"" + num(Y(t)) + "\" x2=\"" + num(left + pw) + "\" y2=\"" + num(Y(t)) +
             "\" stroke=\"#ddd\"/>\n";
        o += "<text x=\"" + num(left - 6) + "\" y=\"" + num(Y(t) + 4) + "\" text-anchor=\"end\">" + xml_escape(short_num(t)) + "</text>\n";
    }
    for (double r : spec.y_reference)
        if (!spec.log_y || r > 0)
            o += "<line x1=\"" + num(left) + "\" y1=\"" + num(Y(r)) + "\" x2=\"" + num(left + pw) + "\" y2=\"" + num(Y(r)) +
                 "\" stroke=\"#444\" stroke-dasharray=\"2,3\"/>\n";
    o += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(pw) + "\" height=\"" + num(ph) +
         "\" fill=\"none\" stroke=\"#333\"/>\n";
    o += "<text x=\"" + num(left + pw / 2) + "\" y=\"" + num(spec.height - 18.0) + "\" text-anchor=\"middle\">" + xml_escape(spec.x_label) +
         "</text>\n";
    o += "<text transform=\"translate(18," + num(top + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" + xml_escape(spec.y_label) +
         "</text>\n";

    size_t ci = 0;
    double ly = top + 8;
    for (const auto& s : series) {
        size_t idx = s.color >= 0 ? static_cast<size_t>(s.color) : ci;
        ++ci;
        std::string color = kColors[idx % (sizeof kColors / sizeof kColors[0])];
        std::string pts;
        for (const auto& p : s.points) {
            if (!valid(p.x, p.y)) continue;
            pts += num(X(p.x)) + "," + num(Y(p.y)) + " ";
        }
        std::string dash = s.dashed ? " stroke-dasharray=\"6,4\"" : "";
        if (!pts.empty())
            o += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.8\"" + dash + " points=\"" + pts + "\"/>\n";
        for (const auto& p : s.points) {
            if (!valid(p.x, p.y)) continue;
            if (p.y_lo != p.y_hi && valid(p.x, p.y_lo) && valid(p.x, p.y_hi))
                o += "<line x1=\"" + num(X(p.x)) + "\" y1=\"" + num(Y(p.y_lo)) + "\" x2=\"" + num(X(p.x)) + "\" y2=\"" + num(Y(p.y_hi)) +
                     "\" stroke=\"" + color + "\"/>\n";
            o += "<circle cx=\"" + num(X(p.x)) + "\" cy=\"" + num(Y(p.y)) + "\" r=\"3\" fill=\"" + color + "\"/>\n";
        }
        o += "<line x1=\"" + num(left + pw + 12) + "\" y1=\"" + num(ly) + "\" x2=\"" + num(left + pw + 36) + "\" y2=\"" + num(ly) +
             "\" stroke=\"" + color + "\" stroke-width=\"2\"" + dash + "/>\n";
        o += "<text x=\"" + num(left + pw + 42) + "\" y=\"" + num(ly + 4) + "\">" + xml_escape(s.label) + "</text>\n";
        ly += 18;
    }
    o += "</svg>\n";
    return o;
}

}  // namespace mh::bench
