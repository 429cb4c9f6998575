// The kernel log of one case in classes: the class that explains its result, and the signals
// besides its errno (a stack dump, a sysfs complaint) that a PASS can come with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mh::kernel_log {

struct CaseLog {
    // The first kCheck class (a loader check, a crash report), else the first kNotice class;
    // "" when the case printed neither.
    std::string log_class;
    // Every kNotice class, once, in order of first appearance ("stack-dump", "sysfs-duplicate").
    std::vector<std::string> notes;
};

// `kmsg`: the lines the case's call printed, '\n'-separated (the executor's "kmsg").
CaseLog summarize_case_log(std::string_view kmsg);

}  // namespace mh::kernel_log
