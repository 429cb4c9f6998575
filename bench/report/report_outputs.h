// The report's outputs, each rendered from the same figures: report.md, summary.json, the SVG plots.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "bench/report/bench_report.h"
#include "bench/report/report_figures.h"

namespace mh::bench {

// report.md: run facts, tables per kernel, the side-by-side comparison of two kernels, plot links.
std::string render_markdown(const ReportInput& in, const std::vector<KernelFigures>& kernels);

// summary.json (schema modharness.bench/1), with its final newline.
std::string render_summary_json(const ReportInput& in, const std::vector<KernelFigures>& kernels);

// {file name, SVG} for latency.svg, ratio.svg and unload.svg, in that order.
std::vector<std::pair<std::string, std::string>> render_plots(const ReportInput& in, const std::vector<KernelFigures>& kernels);

// "TCG": the accelerator as titles spell it.
std::string accel_title(const std::string& accel);

}  // namespace mh::bench
