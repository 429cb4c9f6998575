// Fuzz VMs restored instead of booted (docs/performance.md, "shared-ram" snapshots): the part
// of a fuzz VM that every VM of a run shares — kernel, executor, engine, environment modules,
// guard token — boots once to the executor's ready point and is saved; each later VM is restored
// from it and gets its own work (fuzz.conf, inputs) as `file` records after the go record
// (protocol/go_record.h). Replay and minimisation run dozens of short VMs, so the boot they
// skip is most of their time.
#pragma once

#include <filesystem>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "harness/common/expected.h"
#include "harness/vm/snapshot.h"

namespace mh::campaign {

struct FuzzVmSpec;

class FuzzSnapshot {
public:
    // `dir` holds the snapshot VM's initramfs and logs; `cache_dir` (empty: none) a SnapshotCache
    // (vm/snapshot_cache.h) that serves later runs too, so a second `repro` on the same kernel
    // takes no snapshot at all; `progress` hears what happens (taken, found, unavailable, dropped).
    FuzzSnapshot(std::filesystem::path dir, std::filesystem::path cache_dir, std::function<void(const std::string&)> progress = {});

    // The snapshot VMs of `spec` are restored from: taken on first use, and again when the shared
    // part changed (another kernel, memory size, environment or seed set). nullptr when none can
    // be had (said once; those VMs boot cold). Safe from several threads (a campaign's jobs); a
    // snapshot replaced while a VM restores from it lives until that VM lets it go.
    std::shared_ptr<const vm::GuestSnapshot> for_spec(const FuzzVmSpec& spec);
    // The guard token of the snapshot's initramfs (the go record carries it).
    const std::string& token() const { return token_; }
    // A restore failed: the snapshot is not used again (VMs boot cold from now on).
    void drop(const std::string& why);
    void count_restored() { ++restored_; }

    int taken() const { return taken_; }
    int found() const { return found_; }  // in the snapshot cache
    int restored() const { return restored_; }
    double take_seconds() const;  // all snapshots taken, together
    std::string fallback() const;  // why VMs boot cold ("" if they do not)

private:
    std::filesystem::path dir_;
    std::filesystem::path cache_dir_;
    std::function<void(const std::string&)> progress_;
    std::string token_;
    std::string key_;  // the shared part the snapshot holds (kernel, VM options, initramfs bytes)
    std::shared_ptr<vm::GuestSnapshot> snapshot_;
    mutable std::mutex mu_;
    bool given_up_ = false;
    std::atomic<int> taken_{0};
    std::atomic<int> found_{0};
    std::atomic<int> restored_{0};
    double take_seconds_ = 0;
    std::string fallback_;
};

}  // namespace mh::campaign
