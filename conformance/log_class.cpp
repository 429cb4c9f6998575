// The kernel-log class of a case from the kmsg lines its result record carries.
#include "conformance/log_class.h"

#include "harness/common/text.h"
#include "harness/kernel_log/module_log_class.h"

namespace mh::conformance {

std::string case_log_class(const std::optional<KvRecord>& guest) {
    if (!guest) return "";
    auto kmsg = guest->get("kmsg");
    if (!kmsg) return "";
    auto ends_with = [](const std::string& s, const std::string& suffix) {
        return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    for (auto [line, number] : lines(*kmsg)) {
        auto c = kernel_log::classify_module_log_line(line);
        if (!c.empty() && !ends_with(c, "-taint")) return c;
    }
    return "";
}

}  // namespace mh::conformance
