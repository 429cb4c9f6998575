// Makes the call a fuzzer input describes (guest only): init_module from a buffer or finit_module
// on a descriptor of the chosen kind, with the input's actions around it (a racing second caller,
// reading the loaded module's sysfs and kallsyms views, a repeat, unload modes); then unloads
// whatever loaded so state does not pile up — except the environment's modules.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz/guest/racer.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/protocol/shared_state.h"

namespace mh::fuzz {

struct CallResult {
    long ret = 0;
    int err = 0;
};

// Where the campaign puts the environment's modules (mh_provider: symbols for mh_consumer).
inline constexpr const char* kEnvironmentDir = "/mh/env";

class CallExecutor {
public:
    CallExecutor();
    ~CallExecutor();
    CallExecutor(const CallExecutor&) = delete;
    CallExecutor& operator=(const CallExecutor&) = delete;

    // Loads every module in `dir` and keeps them loaded (inputs then import their symbols).
    // Call only after the harness-VM guard. Returns how many are loaded.
    int load_environment(const std::string& dir);

    // `clock` (optional) is marked at the end of each phase of the exec.
    CallResult run(const mutate::FuzzInput& in, protocol::PhaseClock* clock = nullptr);
    // PCs of the racing caller in the last run (empty unless it had the `concurrent` action).
    std::span<const uint64_t> racer_pcs() const { return racer_pcs_; }

private:
    std::vector<std::string> loaded_names() const;
    void load_environment_files(const char* params = "") const;
    void ensure_environment() const;
    bool environment_listed() const;  // every environment module in /proc/modules (COMING or LIVE)
    bool unload_environment();  // true when something went (nothing held it)
    void after_load(const mutate::FuzzInput& in, const std::vector<std::string>& names);
    void unload(const std::vector<std::string>& names, bool force_first);
    int memfd_ = -1;
    void* unmapped_ = nullptr;  // a PROT_NONE page: the bad-pointer actions' argument
    std::vector<std::string> environment_files_;  // the *.ko files of the environment directory
    std::vector<std::string> environment_;  // module names kept loaded
    Racer racer_;
    std::span<const uint64_t> racer_pcs_;
};

}  // namespace mh::fuzz
