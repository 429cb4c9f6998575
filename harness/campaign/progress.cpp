// The campaign's progress line (see progress.h).
#include "harness/campaign/progress.h"

#include <algorithm>
#include <cstdio>

namespace mh::campaign {

std::string human(double v) {
    char b[32];
    if (v >= 1e6)
        std::snprintf(b, sizeof b, "%.1fM", v / 1e6);
    else if (v >= 1e3)
        std::snprintf(b, sizeof b, "%.1fk", v / 1e3);
    else
        std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}

std::string clock_text(double s) {
    char b[32];
    const long t = static_cast<long>(s);
    std::snprintf(b, sizeof b, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    return b;
}

std::string progress_line(const ProgressCounts& c) {
    const double el = c.elapsed_s;
    // The rate is over wall time, at least a second of it.
    const double rate = c.engine_s + el > 0 ? static_cast<double>(c.execs) / std::max(1.0, el) : 0;
    std::string cov = human(static_cast<double>(c.pcs)) + " pcs";
    if (c.loader_ceiling) {
        char b[64];
        std::snprintf(b, sizeof b, "loader %zu/%zu (%.1f%%)", c.loader, c.loader_ceiling,
                      100.0 * static_cast<double>(c.loader) / static_cast<double>(c.loader_ceiling));
        cov = std::string(b) + ", " + cov;
    }
    return "[" + c.engine + "] " + clock_text(el) + " execs " + human(static_cast<double>(c.execs)) + " (" + human(rate) + "/s) " + cov +
           " corpus " + std::to_string(c.corpus) + " crashes " + std::to_string(c.crash_events) + " (" + std::to_string(c.crash_titles) +
           " titles) vms " + std::to_string(c.vms);
}

}  // namespace mh::campaign
