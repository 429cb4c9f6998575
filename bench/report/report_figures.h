// The numbers of one kernel's report, computed once from its samples; the markdown, JSON and plot
// writers (report_outputs.h) only render them, so the three outputs cannot disagree.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/report/bench_report.h"
#include "bench/report/cost_model.h"
#include "bench/report/stats.h"

namespace mh::bench {

// The paths compared to the buffer path, in table and colour order.
inline constexpr std::array<const char*, 4> kRatioPaths = {"finit_warm", "finit_cold", "mmap", "read_init"};

// One load path at one size: the summary when there are samples, else the series' error ("" if none).
struct LatencyCell {
    std::optional<Summary> summary;
    std::string error;
};

// One kRatioPaths entry over the buffer path at one size; absent when either side has no samples.
struct RatioCell {
    bool present = false;
    RatioEstimate pooled;
    std::vector<double> per_run;  // ratio of the medians of each run that has both series
    double spread = 0;  // max - min of per_run (0 with fewer than two runs)
};

struct SizeFigures {
    std::string label;  // "64k"
    double bytes = 0;
    std::vector<LatencyCell> latency;  // per load_paths()
    std::vector<RatioCell> ratios;  // per kRatioPaths
    std::optional<Summary> unload;  // all load paths pooled
};

// The xz comparison at one size that has either xz series.
struct XzRow {
    std::string label;
    bool has_finit = false, has_user = false;  // the series exist
    std::string finit_error, user_error;  // their error messages
    std::optional<Summary> finit, user;  // when they have samples
    std::optional<RatioEstimate> ratio;  // finit_compressed / user_xz, when both do
};

struct RejectRow {
    std::string klass, call;
    bool has_series = false;
    int err = 0;
    std::string error;
    std::optional<Summary> summary;
};

struct KernelFigures {
    const KernelRuns* kernel = nullptr;
    std::vector<SizeFigures> sizes;  // by bytes
    double memcpy_b = 0, pagecache_b = 0, cold_b = 0;  // guest reference costs, ns/byte (0: not measured)
    std::vector<CostModel> cost;  // per load_paths(); ok == false: not enough sizes
    std::vector<XzRow> xz;
    std::vector<RejectRow> rejects;  // by series name
};

KernelFigures compute_figures(const KernelRuns& k);

// Size labels of a kernel's load series over all its runs, sorted by bytes.
std::vector<std::pair<std::string, double>> kernel_sizes(const KernelRuns& k);

}  // namespace mh::bench
