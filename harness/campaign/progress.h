// The campaign's progress line and the short number and clock forms it and the summary print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mh::campaign {

// "1.2M", "3.4k", "17": a count or rate at a glance.
std::string human(double v);
// "hh:mm:ss" of whole seconds.
std::string clock_text(double s);

// What one progress line reports.
struct ProgressCounts {
    std::string engine;
    double elapsed_s = 0;  // cumulative over resumed runs
    double engine_s = 0;  // VM-seconds of finished VMs the engine ran
    uint64_t execs = 0;
    size_t pcs = 0, loader = 0;
    size_t loader_ceiling = 0;  // 0: loader coverage is not measured
    size_t corpus = 0;
    int crash_events = 0;
    size_t crash_titles = 0;
    int vms = 0;
};

// "[libfuzzer] 00:10:00 execs 1.2M (2.0k/s) loader 10/200 (5.0%), 2.5k pcs corpus 7 crashes 3 (2 titles) vms 4"
std::string progress_line(const ProgressCounts& c);

}  // namespace mh::campaign
