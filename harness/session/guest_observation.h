// What one guest result frame says about a case: the kv record read into a verdict::Observation.
#pragma once

#include "harness/common/kv.h"
#include "harness/verdict/verdict.h"

namespace mh::session {

// Reads ret, errno, timeout, signal, taints and the per-caller lists of a "result" record. The
// record crossed a serial port from a guest that may be crashing: missing or malformed values
// read as 0 (or are skipped in lists), never as an error or an exception.
verdict::Observation observation_from_record(const KvRecord& record);

}  // namespace mh::session
