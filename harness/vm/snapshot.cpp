#include "harness/vm/snapshot.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <thread>

#include "harness/common/files.h"
#include "harness/host/file_tail.h"
#include "harness/host/process.h"
#include "harness/protocol/frame.h"
#include "harness/protocol/frame_types.h"
#include "harness/vm/host_socket.h"
#include "harness/vm/qmp.h"
#include "harness/vm/vm_process.h"

namespace mh::vm {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string log_tail(const std::filesystem::path& p) {
    std::string s = read_text_file(p).value_or("");
    if (s.size() > 400) s = s.substr(s.size() - 400);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// Files of snapshots whose modharness died without removing them (SIGKILL, a power cut):
// modharness-<pid>-<n>.ram and .state, removed once no process <pid> runs.
void remove_orphaned_ram_files(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("modharness-", 0) != 0 || (e.path().extension() != ".ram" && e.path().extension() != ".state")) continue;
        const long pid = std::atol(name.c_str() + std::string("modharness-").size());
        if (pid <= 0 || host::process_gone(static_cast<pid_t>(pid))) std::filesystem::remove(e.path(), ec);
    }
}

}  // namespace

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

GuestSnapshot::GuestSnapshot(GuestSnapshot&& o) noexcept
    : config_(std::move(o.config_)),
      kernel_(o.kernel_),
      initrd_(o.initrd_),
      state_file_(std::move(o.state_file_)),
      take_seconds_(o.take_seconds_),
      save_seconds_(o.save_seconds_),
      owns_(o.owns_),
      from_cache_(o.from_cache_) {
    o.owns_ = false;
}

GuestSnapshot::FileStamp GuestSnapshot::stamp(const std::filesystem::path& p) {
    std::error_code ec;
    FileStamp s;
    s.size = std::filesystem::file_size(p, ec);
    if (ec) s.size = static_cast<std::uintmax_t>(-1);
    s.mtime = std::filesystem::last_write_time(p, ec);
    return s;
}

std::string GuestSnapshot::stale_reason(const VmConfig& current) const {
    if (current.kernel != config_.kernel || stamp(current.kernel) != kernel_) return "the kernel changed";
    if (current.initrd != config_.initrd || stamp(current.initrd) != initrd_) return "the initramfs changed";
    if (current.machine != config_.machine || current.memory_mb != config_.memory_mb || current.cpus != config_.cpus ||
        current.accel != config_.accel || current.qemu != config_.qemu || current.extra_args != config_.extra_args)
        return "the machine changed";
    std::error_code ec;
    if (!std::filesystem::exists(config_.ram_file, ec)) return "its RAM file is gone";
    return "";
}

GuestSnapshot::~GuestSnapshot() {
    if (!owns_) return;
    std::error_code ec;
    if (!config_.ram_file.empty()) std::filesystem::remove(config_.ram_file, ec);
    if (!state_file_.empty()) std::filesystem::remove(state_file_, ec);
}

Expected<GuestSnapshot> take_snapshot(const SnapshotOptions& opt) {
    static std::atomic<unsigned> counter{0};
    const auto started = Clock::now();
    // The guest writes ~100-150 MB of its RAM before the ready point; ask for the whole size, as
    // a guest that fills its RAM later in a restored VM writes into its private copy, not here.
    remove_orphaned_ram_files(opt.ram_dir);
    struct statvfs vfs {};
    if (::statvfs(opt.ram_dir.c_str(), &vfs) != 0)
        return environment_error("snapshot: no " + opt.ram_dir.string() + " for the guest's RAM file");
    const auto free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (free_bytes < static_cast<std::uint64_t>(opt.vm.memory_mb) << 20)
        return environment_error("snapshot: " + opt.ram_dir.string() + " has " + std::to_string(free_bytes >> 20) +
                                 " MiB free, the guest's RAM needs " + std::to_string(opt.vm.memory_mb) + " MiB");

    GuestSnapshot snap;
    snap.config_ = opt.vm;
    const std::string stem = "modharness-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    snap.config_.ram_file = opt.ram_dir / (stem + ".ram");
    snap.config_.ram_shared = true;
    snap.state_file_ = opt.ram_dir / (stem + ".state");
    std::error_code ec;
    std::filesystem::remove(snap.config_.ram_file, ec);
    std::filesystem::remove(snap.state_file_, ec);
    std::filesystem::remove(opt.vm.results_file, ec);

    // Stamped before the boot: a file that changes while the guest boots makes the snapshot stale.
    snap.kernel_ = GuestSnapshot::stamp(opt.vm.kernel);
    snap.initrd_ = GuestSnapshot::stamp(opt.vm.initrd);
    auto qmp_socket = HostSocket::listen("qmp");
    if (!qmp_socket) return qmp_socket.error();
    VmConfig booted = snap.config_;
    booted.qmp_socket = qmp_socket->name();
    auto proc = VmProcess::start(qemu_argv(booted), opt.qemu_log);
    if (!proc) return proc.error();
    auto fail = [&](const std::string& why) -> Error {
        proc->kill();
        return make_error("snapshot: " + why);
    };
    if (!qmp_socket->accept_within(std::chrono::seconds(20), [&] { return proc->poll().has_value(); }))
        return fail("QEMU did not connect its monitor: " + log_tail(opt.qemu_log));
    auto qmp = Qmp::open(*qmp_socket, std::chrono::seconds(10));
    if (!qmp) return fail(qmp.error().message);

    host::FileTail results(opt.vm.results_file);
    protocol::FrameDecoder decoder;
    bool ready = false;
    while (!ready) {
        for (const auto& payload : decoder.feed(results.read_new())) {
            auto rec = kv_parse(payload);
            if (!rec) continue;
            const auto type = protocol::frame_type(*rec);
            if (type == protocol::FrameType::Ready) ready = true;
            if (type == protocol::FrameType::Error) return fail("the guest said: " + rec->get_or("message", "error"));
        }
        if (ready) break;
        if (proc->poll()) return fail("QEMU ended before the guest's ready point: " + log_tail(opt.qemu_log));
        if (opt.interrupted && opt.interrupted->load()) return fail("interrupted");
        if (Clock::now() - started > opt.boot_timeout)
            return fail("no ready point within " + std::to_string(opt.boot_timeout.count()) + " s");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const auto ready_at = Clock::now();
    nlohmann::json caps = {{"capabilities", {{{"capability", "x-ignore-shared"}, {"state", true}}}}};
    if (auto r = qmp->execute("migrate-set-capabilities", caps); !r) return fail(r.error().message);
    if (auto r = qmp->execute("migrate", {{"uri", "exec:cat > " + shell_quote(snap.state_file_.string())}}); !r)
        return fail(r.error().message);
    if (auto r = qmp->wait_migration(false, std::chrono::seconds(60)); !r) return fail(r.error().message);
    snap.save_seconds_ = since(ready_at);
    // The source ends stopped, so the RAM file holds exactly the saved guest's memory.
    (void)qmp->execute("quit", nullptr, std::chrono::seconds(5));
    for (int i = 0; i < 1000 && !proc->poll(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    proc->kill();
    if (std::filesystem::file_size(snap.state_file_, ec) == 0 || ec) return make_error("snapshot: the saved state is empty");
    snap.take_seconds_ = since(started);
    return snap;
}

VmConfig restore_config(const GuestSnapshot& snapshot, const std::filesystem::path& console_log, const std::filesystem::path& results_file,
                        const std::string& results_socket, const std::string& qmp_socket) {
    VmConfig c = snapshot.config();
    c.ram_shared = false;
    c.console_log = console_log;
    c.results_file = results_file;
    c.results_socket = results_socket;
    c.qmp_socket = qmp_socket;
    c.incoming = true;
    return c;
}

Expected<bool> restore_into(Qmp& qmp, const GuestSnapshot& snapshot) {
    nlohmann::json caps = {{"capabilities", {{{"capability", "x-ignore-shared"}, {"state", true}}}}};
    if (auto r = qmp.execute("migrate-set-capabilities", caps); !r) return r.error();
    if (auto r = qmp.execute("migrate-incoming", {{"uri", "exec:cat " + shell_quote(snapshot.state_file().string())}}); !r)
        return r.error();
    if (auto r = qmp.wait_migration(true, std::chrono::seconds(30)); !r) return r.error();
    auto st = qmp.execute("query-status");
    if (!st) return st.error();
    if (st->value("status", std::string()) != "running") {
        if (auto r = qmp.execute("cont"); !r) return r.error();
    }
    return true;
}

}  // namespace mh::vm
