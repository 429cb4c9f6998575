// A one-line description of the host for the report: CPU model, CPU count, load average.
#pragma once

#include <string>

namespace mh::bench {

// "Intel(R) Xeon(R) ..., 2 CPUs; loadavg 0.61 0.80 0.92 1/230 4242" (from /proc, now).
std::string host_notes();

}  // namespace mh::bench
