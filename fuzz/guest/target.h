// The fuzz target both engines drive: publish the input, make the call under KCOV, turn what the
// kernel did into feedback (KCOV edges, or errno + kernel-log class on kernels without KCOV), and
// flag calls that left a poisoning taint so the supervisor can report them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace mh::protocol {
struct SharedState;
}

namespace mh::fuzz {

// Receives one feedback feature (a hash); the engine adapter folds it into its map.
using FeedbackSink = void (*)(uint64_t feature, void* ctx);

class Target {
public:
    Target();
    ~Target();
    // Maps the shared state, opens KCOV (or the kernel log for black-box mode). False: cannot run.
    bool init();
    bool kcov() const;
    // One input. Returns false when the call poisoned the kernel (the caller should stop).
    bool run(const uint8_t* data, size_t size, FeedbackSink sink, void* ctx);

private:
    // False when the kernel carries a poisoning taint it did not carry after the last clean call
    // (recorded in the shared state, for the supervisor).
    bool poison_check(protocol::SharedState& st);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mh::fuzz
