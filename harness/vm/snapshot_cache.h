// Snapshots that outlive their batch: a ready guest saved once is restored by later runs too,
// which then boot no VM at all. An entry is <dir>/<key>/ (ram: the guest's RAM, sparse; state:
// the device state; meta.json: what it was taken of, for people), the key an FNV-1a of
// everything the saved guest depends on: the kernel file (path, size, modification time), the
// initramfs bytes, the kernel command line, machine, memory, CPUs, accelerator, the QEMU binary
// (path, size, modification time) and the extra QEMU arguments. A batch only matches an entry
// when its initramfs is byte for byte the one saved, so batches that use the cache put the
// cache's own guard token (<dir>/token, mode 0600) into their initramfs instead of a fresh one.
// Entries are dropped least recently used first once they hold more than max_bytes on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "harness/common/expected.h"
#include "harness/vm/qemu_argv.h"
#include "harness/vm/snapshot.h"

namespace mh::vm {

// The cache key of a VM configured as `vm` (its initramfs is read): 16 hex digits.
Expected<std::string> snapshot_key(const VmConfig& vm);

class SnapshotCache {
public:
    static constexpr std::uint64_t kDefaultMaxBytes = 4ull << 30;
    explicit SnapshotCache(std::filesystem::path dir, std::uint64_t max_bytes = kDefaultMaxBytes)
        : dir_(std::move(dir)), max_bytes_(max_bytes) {}
    const std::filesystem::path& dir() const { return dir_; }

    // The guard token of every batch that uses this cache (created on first use).
    Expected<std::string> token() const;

    // The entry saved of a VM configured as `vm`, as a snapshot that does not own its files
    // (from_cache()); nullopt when there is none. The entry becomes the most recently used.
    Expected<std::optional<GuestSnapshot>> find(const VmConfig& vm) const;

    // Keeps a copy of `snapshot` (holes stay holes, the files are synced before the entry
    // appears) and drops old entries beyond max_bytes. Returns the entry's directory. Refused
    // when the disk would keep less than 1 GiB free.
    Expected<std::filesystem::path> store(const GuestSnapshot& snapshot) const;

    // Removes the entry `snapshot` was found in (a restore from it failed); no-op for others.
    void forget(const GuestSnapshot& snapshot) const;

private:
    void evict(const std::filesystem::path& keep) const;
    std::filesystem::path dir_;
    std::uint64_t max_bytes_;
};

}  // namespace mh::vm
