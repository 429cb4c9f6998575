// The snapshot cache (see snapshot_cache.h): one lock file serialises the processes that find,
// store and evict entries; an entry appears by renaming a complete, synced directory.
#include "harness/vm/snapshot_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/common/fnv.h"
#include "harness/host/file_lock.h"
#include "harness/host/process.h"
#include "harness/vm/guest_token.h"

namespace mh::vm {
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kKeepFreeBytes = 1ull << 30;

void add_file_stamp(Fnv& f, const fs::path& p) {
    std::error_code ec;
    f.add(fs::absolute(p, ec).string());
    f.add(std::to_string(fs::file_size(p, ec)));
    f.add(std::to_string(fs::last_write_time(p, ec).time_since_epoch().count()));
}

bool is_hex(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos; }

// Bytes a file takes on disk (its holes take none).
std::uint64_t disk_bytes(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_blocks) * 512u : 0;
}

Error fail_errno(const std::string& what, const fs::path& p) {
    return storage_error(what + " " + p.string() + ": " + describe_errno(errno));
}

// Copies `from` into a new file `to`: the data regions only (SEEK_DATA/SEEK_HOLE), and within
// them only the 4 KiB blocks that are not all zero, so a 1 GiB RAM file of which the guest
// touched 150 MB takes 150 MB; synced before it is closed.
Status copy_sparse(const fs::path& from, const fs::path& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return fail_errno("cannot open", from);
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        ::close(in);
        return fail_errno("cannot create", to);
    }
    auto done = [&](Status st) -> Status {
        ::close(in);
        if (::close(out) != 0 && st) return fail_errno("cannot close", to);
        return st;
    };
    struct stat st {};
    if (::fstat(in, &st) != 0) return done(fail_errno("cannot stat", from));
    const off_t size = st.st_size;
    if (::ftruncate(out, size) != 0) return done(fail_errno("cannot size", to));
    std::vector<char> buf(1u << 20);
    constexpr size_t kBlock = 4096;
    off_t pos = 0;
    while (pos < size) {
        off_t data = ::lseek(in, pos, SEEK_DATA);
        if (data < 0 && errno == ENXIO) break;  // only a hole is left
        if (data < 0) data = pos;  // no SEEK_DATA here: read everything
        off_t hole = ::lseek(in, data, SEEK_HOLE);
        if (hole < 0) hole = size;
        for (off_t off = data; off < hole;) {
            const size_t want = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(buf.size()), hole - off));
            const ssize_t n = ::pread(in, buf.data(), want, off);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return done(fail_errno("cannot read", from));
            if (n == 0) return done(storage_error(from.string() + " ended early"));
            for (size_t b = 0; b < static_cast<size_t>(n); b += kBlock) {
                const size_t len = std::min(kBlock, static_cast<size_t>(n) - b);
                const char* p = buf.data() + b;
                if (std::all_of(p, p + len, [](char c) { return c == 0; })) continue;
                for (size_t w = 0; w < len;) {
                    const ssize_t m = ::pwrite(out, p + w, len - w, off + static_cast<off_t>(b + w));
                    if (m < 0 && errno == EINTR) continue;
                    if (m <= 0) return done(fail_errno("cannot write", to));
                    w += static_cast<size_t>(m);
                }
            }
            off += n;
        }
        pos = hole;
    }
    if (::fsync(out) != 0) return done(fail_errno("cannot sync", to));
    return done(Ok{});
}

void sync_dir(const fs::path& d) {
    const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

Expected<std::string> snapshot_key(const VmConfig& vm) {
    auto initrd = read_text_file(vm.initrd);
    if (!initrd) return initrd.error();
    Fnv f;
    f.add("modharness-snapshot-1");
    add_file_stamp(f, vm.kernel);
    f.add(*initrd);
    f.add(vm.append);
    f.add(vm.machine);
    f.add(std::to_string(vm.memory_mb));
    f.add(std::to_string(vm.cpus));
    f.add(accel_name(vm.accel));
    // Another QEMU build may not load this one's device state.
    const auto qemu = host::find_program(vm.qemu);
    if (!qemu) return environment_error("snapshot cache: " + vm.qemu + " is not on PATH");
    add_file_stamp(f, *qemu);
    for (const auto& a : vm.extra_args) f.add(a);
    return f.hex();
}

Expected<std::string> SnapshotCache::token() const {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return storage_error("snapshot cache: cannot create " + dir_.string() + ": " + ec.message());
    MH_TRY_ASSIGN(lock, host::FileLock::acquire(dir_ / "lock"));
    const fs::path file = dir_ / "token";
    if (auto t = read_text_file(file); t && t->size() == 2 * kGuestTokenBytes && is_hex(*t)) return *t;
    MH_TRY_ASSIGN(fresh, guest_token());
    // Private from its first byte: the token is what lets a guest program run.
    if (auto st = write_file_atomic(file, fresh, 0600); !st) return with_context("snapshot cache: ", st.error());
    return fresh;
}

Expected<std::optional<GuestSnapshot>> SnapshotCache::find(const VmConfig& vm) const {
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) return std::optional<GuestSnapshot>();
    MH_TRY_ASSIGN(key, snapshot_key(vm));
    MH_TRY_ASSIGN(lock, host::FileLock::acquire(dir_ / "lock"));
    const fs::path entry = dir_ / key;
    if (!fs::exists(entry / "ram", ec) || !fs::exists(entry / "state", ec) || !fs::exists(entry / "meta.json", ec))
        return std::optional<GuestSnapshot>();
    fs::last_write_time(entry / "meta.json", fs::file_time_type::clock::now(), ec);  // most recently used
    GuestSnapshot snap;
    snap.config_ = vm;
    snap.config_.ram_file = entry / "ram";
    snap.config_.ram_shared = true;
    snap.state_file_ = entry / "state";
    snap.kernel_ = GuestSnapshot::stamp(vm.kernel);
    snap.initrd_ = GuestSnapshot::stamp(vm.initrd);
    snap.owns_ = false;
    snap.from_cache_ = true;
    return std::optional<GuestSnapshot>(std::move(snap));
}

Expected<fs::path> SnapshotCache::store(const GuestSnapshot& snapshot) const {
    const VmConfig& vm = snapshot.config();
    MH_TRY_ASSIGN(key, snapshot_key(vm));
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return storage_error("snapshot cache: cannot create " + dir_.string() + ": " + ec.message());
    const std::uint64_t need = disk_bytes(vm.ram_file) + disk_bytes(snapshot.state_file());
    struct statvfs vfs {};
    if (::statvfs(dir_.c_str(), &vfs) == 0 && static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize < need + kKeepFreeBytes)
        return storage_error("snapshot cache: " + dir_.string() + " would keep less than 1 GiB free");
    MH_TRY_ASSIGN(lock, host::FileLock::acquire(dir_ / "lock"));
    const fs::path entry = dir_ / key;
    if (fs::exists(entry / "meta.json", ec)) return entry;  // another run stored it meanwhile
    const fs::path tmp = dir_ / (".new-" + key + "-" + std::to_string(::getpid()));
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) return storage_error("snapshot cache: cannot create " + tmp.string() + ": " + ec.message());
    auto give_up = [&](const Error& e) {
        std::error_code ignored;
        fs::remove_all(tmp, ignored);
        return with_context("snapshot cache: ", e);
    };
    if (auto st = copy_sparse(vm.ram_file, tmp / "ram"); !st) return give_up(st.error());
    if (auto st = copy_sparse(snapshot.state_file(), tmp / "state"); !st) return give_up(st.error());
    nlohmann::json meta = {{"key", key},
                           {"kernel", fs::absolute(vm.kernel, ec).string()},
                           {"initrd_bytes", fs::file_size(vm.initrd, ec)},
                           {"append", vm.append},
                           {"machine", vm.machine},
                           {"memory_mb", vm.memory_mb},
                           {"accel", accel_name(vm.accel)},
                           {"qemu", vm.qemu},
                           {"ram_disk_bytes", disk_bytes(tmp / "ram")},
                           {"take_seconds", snapshot.take_seconds()},
                           {"stored_at", utc_now_iso()}};
    if (auto st = write_file_atomic(tmp / "meta.json", meta.dump(2) + "\n"); !st) return give_up(st.error());
    fs::rename(tmp, entry, ec);
    if (ec) return give_up(storage_error("cannot rename " + tmp.string() + ": " + ec.message()));
    sync_dir(dir_);
    evict(entry);
    return entry;
}

void SnapshotCache::forget(const GuestSnapshot& snapshot) const {
    if (!snapshot.from_cache()) return;
    const fs::path entry = snapshot.state_file().parent_path();
    if (entry.parent_path() != dir_) return;
    auto lock = host::FileLock::acquire(dir_ / "lock");
    std::error_code ec;
    fs::remove_all(entry, ec);
}

// Called with the lock held. Unfinished copies of processes that are gone are removed too.
void SnapshotCache::evict(const fs::path& keep) const {
    struct Entry {
        fs::path dir;
        fs::file_time_type used;
        std::uint64_t bytes;
    };
    std::vector<Entry> entries;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        const std::string name = e.path().filename().string();
        if (!e.is_directory(ec)) continue;
        if (name.rfind(".new-", 0) == 0) {
            const long pid = std::atol(name.substr(name.rfind('-') + 1).c_str());
            if (pid > 0 && pid != ::getpid() && host::process_gone(static_cast<pid_t>(pid))) fs::remove_all(e.path(), ec);
            continue;
        }
        Entry en{e.path(), fs::last_write_time(e.path() / "meta.json", ec), disk_bytes(e.path() / "ram") + disk_bytes(e.path() / "state")};
        if (ec) en.used = fs::file_time_type::min();
        entries.push_back(en);
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used > b.used; });
    std::uint64_t total = 0;
    for (const auto& en : entries) {
        total += en.bytes;
        if (total > max_bytes_ && en.dir != keep) fs::remove_all(en.dir, ec);
    }
}

}  // namespace mh::vm
