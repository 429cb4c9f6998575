// Taking and keeping the snapshot fuzz VMs are restored from (see fuzz_snapshot.h).
#include "harness/campaign/fuzz_snapshot.h"

#include <string>

#include "harness/campaign/fuzz_vm.h"
#include "harness/common/files.h"
#include "harness/common/fnv.h"
#include "harness/vm/guest_token.h"
#include "harness/vm/snapshot_cache.h"

namespace mh::campaign {

namespace fs = std::filesystem;

FuzzSnapshot::FuzzSnapshot(fs::path dir, fs::path cache_dir, std::function<void(const std::string&)> progress)
    : dir_(std::move(dir)), cache_dir_(std::move(cache_dir)), progress_(std::move(progress)) {}

double FuzzSnapshot::take_seconds() const {
    std::lock_guard lock(mu_);
    return take_seconds_;
}

std::string FuzzSnapshot::fallback() const {
    std::lock_guard lock(mu_);
    return fallback_;
}

void FuzzSnapshot::drop(const std::string& why) {
    std::lock_guard lock(mu_);
    if (given_up_) return;
    given_up_ = true;
    const bool cached = snapshot_ && snapshot_->from_cache();
    if (cached) vm::SnapshotCache(cache_dir_).forget(*snapshot_);
    snapshot_.reset();
    fallback_ = why;
    if (progress_) progress_("snapshot reset given up, booting VMs cold: " + why + (cached ? " (the cached snapshot is removed)" : ""));
}

std::shared_ptr<const vm::GuestSnapshot> FuzzSnapshot::for_spec(const FuzzVmSpec& spec) {
    std::unique_lock lock(mu_);
    // Said without the lock held (drop takes it).
    auto give_up = [&](const std::string& why) {
        lock.unlock();
        drop(why);
        return nullptr;
    };
    if (given_up_) return nullptr;
    if (token_.empty()) {
        // With a cache, its token: the same work on the same kernel gives the same initramfs.
        auto token = cache_dir_.empty() ? vm::guest_token() : vm::SnapshotCache(cache_dir_).token();
        if (!token && !cache_dir_.empty()) {
            if (progress_) progress_("snapshot cache not used: " + token.error().message);
            cache_dir_.clear();
            token = vm::guest_token();
        }
        if (!token) return give_up(token.error().message);
        token_ = *token;
    }
    auto initramfs = fuzz_initramfs(spec, token_, true);
    if (!initramfs) return give_up(initramfs.error().message);
    const std::string cmdline = fuzz_cmdline(spec, token_, true);
    Fnv key;
    for (const std::string& part :
         {spec.kernel.bzimage.string(), std::string(vm::accel_name(spec.accel)), std::to_string(spec.memory_mb), cmdline, *initramfs})
        key.add(part);
    if (snapshot_ && key.hex() == key_ && snapshot_->stale_reason(snapshot_->config()).empty()) return snapshot_;
    snapshot_.reset();

    std::error_code ec;
    fs::create_directories(dir_, ec);
    vm::SnapshotOptions so;
    so.vm.kernel = spec.kernel.bzimage;
    so.vm.initrd = dir_ / ("initrd-" + key.hex() + ".cpio");
    so.vm.accel = spec.accel;
    so.vm.memory_mb = spec.memory_mb;
    so.vm.append = cmdline;
    so.vm.console_log = dir_ / "console-snapshot.log";
    so.vm.results_file = dir_ / "results-snapshot.bin";
    so.qemu_log = dir_ / "qemu-snapshot.log";
    so.boot_timeout = std::chrono::seconds(120);
    so.interrupted = spec.interrupted;
    if (auto written = write_file_atomic(so.vm.initrd, *initramfs); !written) return give_up(written.error().message);
    key_ = key.hex();
    if (!cache_dir_.empty()) {
        auto cached = vm::SnapshotCache(cache_dir_).find(so.vm);
        if (!cached && progress_) progress_("snapshot cache not used: " + cached.error().message);
        if (cached && *cached) {
            ++found_;
            snapshot_ = std::make_shared<vm::GuestSnapshot>(std::move(**cached));
            if (progress_)
                progress_("snapshot of the ready fuzz guest found in the cache (" + snapshot_->state_file().parent_path().string() + ")");
            return snapshot_;
        }
    }
    auto snap = vm::take_snapshot(so);
    if (!snap) return give_up(snap.error().message);
    ++taken_;
    take_seconds_ += snap->take_seconds();
    snapshot_ = std::make_shared<vm::GuestSnapshot>(std::move(*snap));
    if (progress_)
        progress_("snapshot of the ready fuzz guest taken in " + std::to_string(snapshot_->take_seconds()).substr(0, 4) +
                  " s; VMs are restored from it");
    if (!cache_dir_.empty()) {
        auto kept = vm::SnapshotCache(cache_dir_).store(*snapshot_);
        if (progress_)
            progress_(kept ? "snapshot kept for later runs in " + kept->string()
                           : "snapshot not kept for later runs: " + kept.error().message);
    }
    return snapshot_;
}

}  // namespace mh::campaign
