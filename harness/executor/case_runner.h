// Runs one guest case in a child process with a timeout and turns what happened into a result record.
#pragma once

#include <string>

#include "harness/common/kv.h"
#include "harness/executor/backend.h"
#include "harness/protocol/guest_case.h"

namespace mh::executor {

struct RunnerEnv {
    std::string scratch_dir = "/tmp";  // writable directory for fd kinds that need files
};

struct CaseOutcome {
    KvRecord record;  // type=result ... (sent to the host)
    bool poisoned = false;  // the VM must not run further cases (oops, WARN, hang, one-way sysctl)
};

CaseOutcome run_case(const protocol::GuestCase& c, ModuleBackend& backend, const RunnerEnv& env);

}  // namespace mh::executor
