// The kernel-log class of a case: what the loader said when it rejected (or took) the input.
#pragma once

#include <optional>
#include <string>

#include "harness/common/kv.h"

namespace mh::conformance {

// The class of the first module-loader line in the case's kmsg (kernel_log's classifier), ""
// when none; taint notices are left out: they are printed once per boot (first unsigned or
// out-of-tree load), so they depend on which VM ran the case, not on the input.
std::string case_log_class(const std::optional<KvRecord>& guest);

}  // namespace mh::conformance
