// Snapshot reset (docs/performance.md, "shared-ram"): one VM boots to the executor's ready point
// with its RAM in a file on tmpfs (share=on) and is saved by migration with x-ignore-shared, so the
// saved stream holds device state only (~50 KB). Every later VM maps the same file privately
// (share=off: copy on write, the snapshot stays intact for the next one), loads the device state
// and runs on from the ready point in a fraction of a boot. The snapshot is only valid with the
// exact machine, memory, kernel, initramfs and kernel command line it was taken with, so it lives
// as long as the batch whose initramfs it holds, and the files go with the object; a copy kept in
// a SnapshotCache (vm/snapshot_cache.h) serves later batches with the same initramfs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "harness/common/expected.h"
#include "harness/vm/qemu_argv.h"

namespace mh::vm {

class Qmp;
struct SnapshotOptions;

class GuestSnapshot {
public:
    GuestSnapshot(GuestSnapshot&& other) noexcept;
    GuestSnapshot& operator=(GuestSnapshot&&) = delete;
    GuestSnapshot(const GuestSnapshot&) = delete;
    ~GuestSnapshot();  // removes the RAM and state files

    // The VM it was taken of (kernel, initramfs, command line, machine, memory, RAM file).
    const VmConfig& config() const { return config_; }
    const std::filesystem::path& state_file() const { return state_file_; }
    double take_seconds() const { return take_seconds_; }  // QEMU start -> saved
    double save_seconds() const { return save_seconds_; }  // ready point -> saved
    // Found in a SnapshotCache (vm/snapshot_cache.h): the files are the cache's, kept when this
    // object goes.
    bool from_cache() const { return from_cache_; }
    // Why a VM configured as `current` cannot be restored from this snapshot ("" if it can): the
    // kernel or initramfs file changed since (size or modification time), or the machine, memory,
    // accelerator or QEMU binary differ. A stale snapshot is taken again, never restored.
    std::string stale_reason(const VmConfig& current) const;

private:
    friend Expected<GuestSnapshot> take_snapshot(const SnapshotOptions&);
    friend class SnapshotCache;
    GuestSnapshot() = default;
    struct FileStamp {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type mtime;
        bool operator==(const FileStamp&) const = default;
    };
    static FileStamp stamp(const std::filesystem::path& p);
    VmConfig config_;
    FileStamp kernel_, initrd_;
    std::filesystem::path state_file_;
    double take_seconds_ = 0;
    double save_seconds_ = 0;
    bool owns_ = true;
    bool from_cache_ = false;
};

struct SnapshotOptions {
    VmConfig vm;  // complete, with the executor told to wait (GuestCmdline::wait_for_go)
    std::filesystem::path qemu_log;
    // tmpfs for the RAM file (faulted in, never read whole) and the device state (~50 KB) beside
    // it: neither is evidence, so neither takes room in the run's output directory.
    std::filesystem::path ram_dir = "/dev/shm";
    std::chrono::seconds boot_timeout{60};
    const std::atomic<bool>* interrupted = nullptr;
};

// Boots the VM, waits for the executor's `ready` frame, saves it into ram_dir/modharness-<pid>-<n>
// .ram and .state and stops QEMU. Errors say why
// (too little room for the RAM file, no ready point, QEMU's migration error): the caller boots
// cold instead.
Expected<GuestSnapshot> take_snapshot(const SnapshotOptions& options);

// A VM restored from `snapshot`: its machine and RAM file (private), QMP on `qmp_socket`, waiting
// for the restore; the logs and the results socket are the new VM's own.
VmConfig restore_config(const GuestSnapshot& snapshot, const std::filesystem::path& console_log, const std::filesystem::path& results_file,
                        const std::string& results_socket, const std::string& qmp_socket);

// After QEMU started with restore_config: loads the device state and lets the guest run.
Expected<bool> restore_into(Qmp& qmp, const GuestSnapshot& snapshot);

// `s` as one word for /bin/sh (QEMU runs exec: migration URIs with a shell).
std::string shell_quote(const std::string& s);

}  // namespace mh::vm
