// Case log summary: roles decide which classes speak for the case (module_log_class.h).
#include "harness/kernel_log/case_log.h"

#include <algorithm>

#include "harness/common/text.h"
#include "harness/kernel_log/module_log_class.h"

namespace mh::kernel_log {

CaseLog summarize_case_log(std::string_view kmsg) {
    CaseLog out;
    std::string first_check, first_notice;
    for (auto [line, number] : lines(kmsg)) {
        LogClass c = classify_module_log(line);
        if (c.name.empty()) continue;  // a line no row knows
        // Taint notices depend on which VM ran the case (printed once per boot), details belong
        // to the line that opened their dump, noise is not about the input: none speaks for it.
        if (c.role == LogRole::kCheck && first_check.empty()) first_check = c.name;
        if (c.role != LogRole::kNotice) continue;
        if (first_notice.empty()) first_notice = c.name;
        if (std::find(out.notes.begin(), out.notes.end(), c.name) == out.notes.end()) out.notes.push_back(c.name);
    }
    out.log_class = first_check.empty() ? first_notice : first_check;
    return out;
}

}  // namespace mh::kernel_log
