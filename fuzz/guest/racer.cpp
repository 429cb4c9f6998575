// Racer thread (see racer.h).
#include "fuzz/guest/racer.h"

namespace mh::fuzz {

Racer::~Racer() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Racer::start(std::function<void()> job) {
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    {
        std::lock_guard lock(mu_);
        job_ = std::move(job);
        pending_ = true;
    }
    cv_.notify_all();
}

std::span<const uint64_t> Racer::finish() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !pending_; });
    return kcov_.pcs();
}

void Racer::loop() {
    kcov_.open();  // no KCOV (stock kernels): the racer still races, its PCs are just empty
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return pending_ || stop_; });
        if (stop_) return;
        auto job = std::move(job_);
        lock.unlock();
        kcov_.reset();
        job();
        lock.lock();
        pending_ = false;
        cv_.notify_all();
    }
}

}  // namespace mh::fuzz
