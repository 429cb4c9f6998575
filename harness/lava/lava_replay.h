// A LAVA job's console replayed as the VM of a case session: the batch runner judges the cases
// from it exactly as from a VM it ran itself (frames, kernel reports, taint), so
// `modharness lava-results` gives the same records as `modharness run`.
#pragma once

#include <functional>
#include <string>

#include "harness/common/expected.h"
#include "harness/vm/monitor.h"

namespace mh::lava {

// A RunnerOptions::monitor. Its first call writes `console` (the executor's frames among the
// kernel's lines, modharness.results=console) to the VM's console log and hands the verified
// frames over in order; the VM "exited". The LAVA job booted once: every later call (the runner
// restarting after a kernel event) is a VM that produced nothing, so the cases after it end as
// not run ("no-boot") rather than being invented.
std::function<Expected<vm::MonitorResult>(const vm::MonitorOptions&)> replay_monitor(std::string console);

}  // namespace mh::lava
