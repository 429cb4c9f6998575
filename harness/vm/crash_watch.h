// Watches a guest's live console for the first crash line, so the host can stop a guest that
// reported a crash but neither reboots nor answers (an oops loop, a lock held after a BUG).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "harness/host/file_tail.h"

namespace mh::vm {

class ConsoleCrashWatch {
public:
    explicit ConsoleCrashWatch(std::filesystem::path console_log) : tail_(std::move(console_log)) {}
    // Reads what the console appended; true once `grace` has passed since the first crash line,
    // or (with a non-zero `quiet`) once neither the console nor the results channel (its last
    // frame at `last_frame`) has said anything for `quiet` since that line: a guest that went
    // silent after a crash is stuck, and waiting out the whole grace only costs time.
    bool overdue(std::chrono::steady_clock::duration grace, std::chrono::steady_clock::duration quiet = {},
                 std::chrono::steady_clock::time_point last_frame = {});

private:
    host::FileTail tail_;
    std::string partial_;
    std::optional<std::chrono::steady_clock::time_point> crash_seen_;
    std::chrono::steady_clock::time_point last_growth_;
};

}  // namespace mh::vm
