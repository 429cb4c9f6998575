// A second caller for inputs with the `concurrent` action: a persistent thread with its own KCOV
// (KCOV traces one task), so the PCs of whichever call waits for the other (an idempotent
// finit_module on the same file, a module still COMING) are seen too.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <thread>

#include "fuzz/guest/kcov.h"

namespace mh::fuzz {

class Racer {
public:
    Racer() = default;
    ~Racer();
    Racer(const Racer&) = delete;
    Racer& operator=(const Racer&) = delete;

    // Hands `job` to the racer thread (started on first use) and returns at once: the caller then
    // makes its own call, so both are in the kernel together.
    void start(std::function<void()> job);
    // Waits for the job; the racer's PCs stay valid until the next start().
    std::span<const uint64_t> finish();

private:
    void loop();
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::function<void()> job_;
    bool pending_ = false, stop_ = false;
    Kcov kcov_;  // opened and enabled by the racer thread itself
};

}  // namespace mh::fuzz
