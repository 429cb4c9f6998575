// Line-at-a-time crash detection on the live console (kernel_log::crash_start_kind).
#include "harness/vm/crash_watch.h"

#include <algorithm>

#include "harness/kernel_log/console_parser.h"

namespace mh::vm {

bool ConsoleCrashWatch::overdue(std::chrono::steady_clock::duration grace, std::chrono::steady_clock::duration quiet,
                                std::chrono::steady_clock::time_point last_frame) {
    if (crash_seen_) {
        const auto now = std::chrono::steady_clock::now();
        if (now - *crash_seen_ > grace) return true;
        if (quiet == std::chrono::steady_clock::duration::zero()) return false;
        if (!tail_.read_new().empty()) last_growth_ = now;
        return now - std::max({*crash_seen_, last_growth_, last_frame}) > quiet;
    }
    partial_ += tail_.read_new();
    size_t nl;
    while (!crash_seen_ && (nl = partial_.find('\n')) != std::string::npos) {
        if (kernel_log::crash_start_kind(std::string_view(partial_).substr(0, nl)))
            last_growth_ = *(crash_seen_ = std::chrono::steady_clock::now());
        partial_.erase(0, nl + 1);
    }
    // A flood without newlines must not grow memory; such a line is no report start anyway.
    if (partial_.size() > 65536) partial_.clear();
    return false;
}

}  // namespace mh::vm
