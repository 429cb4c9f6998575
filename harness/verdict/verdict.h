// Verdicts: what one case's observation means against its expected errno set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/kernel_log/console_parser.h"

namespace mh::verdict {

// PASS errno in the expected set; FAIL other errno or success where failure was required;
// CONF the kernel/config cannot run the case; BROK the harness failed to set it up;
// KERNEL oops/WARN/panic/hang seen (from the console or a VM that died); RAN no expectation given.
enum class Verdict { Pass, Fail, Conf, Brok, Kernel, Ran };
std::string_view verdict_name(Verdict v);

struct Observation {
    bool has_result = false;  // the guest reported a result for the call
    std::string setup_error;  // guest could not set the case up
    long ret = 0;
    int err = 0;
    bool timed_out = false;  // the guest's own per-case timeout fired (call never returned)
    int signal = 0;  // the calling task was killed (e.g. by an oops)
    uint64_t taint_before = 0;
    uint64_t taint_after = 0;
    std::string vm_event;  // "" | "died" (VM ended mid-case) | "hung" (host timeout) | "no-boot" | "flood" (console limit)
    // Concurrent cases: every caller's return value and errno (ret/err above are caller 0's).
    std::vector<long> caller_rets;
    std::vector<int> caller_errs;
    std::vector<kernel_log::CrashReport> crashes;  // console reports attributed to this case
};

struct Judgement {
    Verdict verdict = Verdict::Ran;
    std::string reason;  // one line a person can act on
    std::string title;  // crash title for KERNEL
};

Judgement judge(const Observation& o, const std::optional<std::vector<int>>& expected_errnos);

}  // namespace mh::verdict
