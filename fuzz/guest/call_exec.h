// Makes the call a fuzzer input describes (guest only): init_module from a buffer or finit_module
// on a descriptor of the chosen kind; unloads whatever loaded so state does not pile up.
#pragma once

#include "harness/fuzz/fuzz_input.h"

namespace mh::fuzz {

struct CallResult {
    long ret = 0;
    int err = 0;
};

class CallExecutor {
public:
    CallExecutor();
    ~CallExecutor();
    CallExecutor(const CallExecutor&) = delete;
    CallExecutor& operator=(const CallExecutor&) = delete;

    CallResult run(const FuzzInput& in);

private:
    void unload_all();
    int memfd_ = -1;
};

}  // namespace mh::fuzz
