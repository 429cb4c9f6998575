// State shared between a guest fuzz target (libFuzzer or AFL++ child) and the guest supervisor
// (harness/executor/fuzz_supervisor): a file on the guest's tmpfs mapped MAP_SHARED by both, so it
// survives the target being killed by an oops and is readable after any kind of target death.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "harness/common/monotonic.h"

namespace mh::protocol {

inline constexpr const char* kSharedStatePath = "/tmp/mh-fuzz-state";
inline constexpr uint64_t kSharedStateMagic = 0x4d48465a53543032ull;  // "MHFZST02"
inline constexpr size_t kMaxSharedInput = 512 * 1024;  // longer inputs are cut (flagged)
inline constexpr size_t kPcRingSize = 1 << 16;
inline constexpr size_t kErrnoSlots = 160;

// Where a target's time per exec goes (its own clock, summed over the execs): the call's setup
// (decoding, the fd), the call itself, the racer's thread (start, wait, its call), listing the
// loaded module, the actions after a load (sysfs, kallsyms, provider), unloading it, loading the
// environment back, KCOV and log-class feedback, and the taint check.
// clang-format off
#define MH_EXEC_PHASES(X) \
    X(Setup, "setup") \
    X(Call, "call") \
    X(Racer, "racer") \
    X(Listing, "list") \
    X(AfterLoad, "after-load") \
    X(Unload, "unload") \
    X(Environment, "environment") \
    X(Feedback, "feedback") \
    X(TaintCheck, "taint-check")
// clang-format on

enum class ExecPhase : std::size_t {
#define MH_EXEC_PHASE_ENUM(e, name) e,
    MH_EXEC_PHASES(MH_EXEC_PHASE_ENUM)
#undef MH_EXEC_PHASE_ENUM
        count
};
inline constexpr const char* kExecPhaseNames[] = {
#define MH_EXEC_PHASE_NAME(e, name) name,
    MH_EXEC_PHASES(MH_EXEC_PHASE_NAME)
#undef MH_EXEC_PHASE_NAME
};
inline constexpr std::size_t kExecPhases = static_cast<std::size_t>(ExecPhase::count);

struct SharedState {
    uint64_t magic;
    std::atomic<uint64_t> execs;  // calls made
    std::atomic<uint64_t> loaded;  // calls that returned 0 (module loaded, then unloaded)
    std::atomic<uint64_t> errno_counts[kErrnoSlots];  // by errno of failed calls (last slot: other)
    std::atomic<uint64_t> errno_ns[kErrnoSlots];  // time inside the call, by errno (slot 0: loaded)
    std::atomic<uint64_t> target_ns;  // time inside Target::run (call + feedback + checks)
    std::atomic<uint64_t> mutator_ns;  // time inside the custom mutator and crossover
    // The input being executed right now: written before each call, so a crash can name it.
    std::atomic<uint64_t> input_seq;
    std::atomic<uint32_t> input_len;
    std::atomic<uint32_t> input_truncated;
    uint8_t input[kMaxSharedInput];
    // Set by the target when a call left a poisoning taint (WARN, KASAN 'B', oops 'D'): the
    // supervisor reports the input above as a crash and restarts the VM.
    std::atomic<uint64_t> taint_added;
    // Taint after the last clean call: a target checks it before publishing its input, so an oops
    // that killed the previous process (AFL++ forks, libFuzzer dies) leaves that input in place.
    std::atomic<uint64_t> taint_base;
    std::atomic<uint32_t> taint_base_valid;
    std::atomic<uint32_t> feedback_kind;  // 1 = KCOV, 2 = black box (errno + log class)
    // New kernel PCs (first time this target saw them): single producer, single consumer ring.
    std::atomic<uint64_t> pc_head;  // written by the target
    std::atomic<uint64_t> pc_tail;  // written by the supervisor
    std::atomic<uint64_t> pc_dropped;
    uint64_t pc_ring[kPcRingSize];
    std::atomic<uint64_t> phase_ns[kExecPhases];  // by ExecPhase
};

// Adds the time since the previous mark to one phase's counter (no counters: nothing is kept).
class PhaseClock {
public:
    explicit PhaseClock(std::atomic<uint64_t>* counters) : counters_(counters), last_(monotonic_ns()) {}
    void mark(ExecPhase phase) {
        const uint64_t now = monotonic_ns();
        if (counters_) counters_[static_cast<std::size_t>(phase)].fetch_add(now - last_, std::memory_order_relaxed);
        last_ = now;
    }

private:
    std::atomic<uint64_t>* counters_;
    uint64_t last_;
};

// Maps the state file (creating and sizing it when `create`); nullptr on failure.
SharedState* map_shared_state(bool create);

}  // namespace mh::protocol
