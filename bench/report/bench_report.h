// The fd-vs-buffer report: tables per size with ratios and intervals, cost models against the
// guest's memcpy and page-cache bandwidth, SVG plots, summary.json — for one or two kernels.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/report/gbench_json.h"
#include "harness/common/expected.h"

namespace mh::bench {

// One VM boot of the guest bench.
struct GuestRun {
    std::map<std::string, SeriesData> series;
    double skew_start = 0, skew_end = 0;  // host wall seconds / guest seconds over a timed sleep (0: unknown)
    std::vector<std::string> notes;  // "store: ext4 ...", "bench_seconds: ..."
    double wall_seconds = 0;  // QEMU start to exit
    int boot_retries = 0;
    int run_index = 0;  // N of <kernel>/gbench-runN.json (0: position in the list)
};

struct KernelRuns {
    std::string kernel;  // as asked: debian-6.1-cloud
    std::string release;  // uname -r
    std::vector<GuestRun> runs;
};

struct ReportInput {
    std::string accel;  // "tcg"
    std::string command;  // the command line that made it
    std::string date;  // UTC
    std::string host_notes;  // uptime before/after, CPU model
    std::vector<KernelRuns> kernels;
};

// Load paths in table order, with what each one does.
struct PathInfo {
    const char* id;
    const char* what;
};
const std::vector<PathInfo>& load_paths();

// Writes report.md, summary.json, latency.svg, ratio.svg, unload.svg into `dir` (created).
Status write_report(const ReportInput& input, const std::filesystem::path& dir);

// Reads back what write_report needs from a report directory (summary.json + <kernel>/gbench-runN.json[.gz]),
// so a report can be re-rendered by newer code without re-running VMs.
Expected<ReportInput> load_report_input(const std::filesystem::path& dir);

// Size labels of the load series present in a run, sorted by bytes ("8k", "64k", ...).
std::vector<std::pair<std::string, double>> sizes_of(const GuestRun& run);

}  // namespace mh::bench
