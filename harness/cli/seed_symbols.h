// Module frames of kernel reports ("mh_oops_init+0x1d/0x1000 [mh_oops]") resolved against the
// seed modules' unstripped .ko files as built for the kernel (`symbolize`, `triage`).
#pragma once

#include "harness/kernels/kernel_cache.h"
#include "harness/symbolize/symbolizer.h"

namespace mh::cli {

// Builds (or takes from the cache) every catalogue seed for `k` and adds each .ko to `sym`.
// Failures are warnings printed with `command`: frames of the kernel itself still resolve.
void add_seed_modules(symbolize::Symbolizer& sym, const kernels::Kernel& k, const char* command);

}  // namespace mh::cli
