// The monitor loop: one poll every few milliseconds joins QEMU's state, the results channel, the
// console and the clocks; VM control, frame decoding and console parsing stay in their own files.
#include "harness/vm/monitor.h"

#include <fstream>
#include <optional>
#include <thread>

#include "harness/host/file_tail.h"
#include "harness/protocol/frame.h"
#include "harness/protocol/frame_types.h"
#include "harness/protocol/go_record.h"
#include "harness/vm/crash_watch.h"
#include "harness/vm/host_socket.h"
#include "harness/vm/qmp.h"
#include "harness/vm/vm_process.h"

namespace mh::vm {

std::string_view vm_end_name(VmEnd e) {
    switch (e) {
        case VmEnd::Exited: return "exited";
        case VmEnd::NoBoot: return "no-boot";
        case VmEnd::Idle: return "idle";
        case VmEnd::Timeout: return "timeout";
        case VmEnd::Crash: return "crash";
        case VmEnd::Flood: return "flood";
        case VmEnd::Interrupted: return "interrupted";
        case VmEnd::CallerStop: return "stopped";
    }
    return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

// The watchdogs, in the order they are asked; nullopt: keep running.
std::optional<VmEnd> watchdog(const MonitorOptions& opt, const MonitorResult& r, Clock::time_point last_frame,
                              ConsoleCrashWatch& crash_watch) {
    // Watch the console live: a guest stuck in an oops loop (or holding a lock after a BUG) would
    // otherwise cost a whole timeout and flood the log.
    if (crash_watch.overdue(opt.crash_grace, opt.crash_quiet, last_frame)) return VmEnd::Crash;
    if (opt.interrupted && opt.interrupted->load()) return VmEnd::Interrupted;
    const auto now = Clock::now();
    if (!r.booted && now - r.started > opt.boot_timeout) return VmEnd::NoBoot;
    bool idle_watch = r.booted && opt.idle_timeout.count() > 0 && (!opt.idle_applies || opt.idle_applies());
    if (idle_watch && now - last_frame > opt.idle_timeout) return VmEnd::Idle;
    if (opt.total_timeout.count() > 0 && now - r.started > opt.total_timeout) return VmEnd::Timeout;
    return std::nullopt;
}

}  // namespace

Expected<MonitorResult> monitor_vm(const MonitorOptions& opt) {
    MonitorResult r;
    r.started = Clock::now();
    // A restored VM's results UART is a socket (the host writes the go line into it); what
    // arrives is appended to results_file as a booted VM's would be, and read back from there.
    std::optional<HostSocket> results_socket, qmp_socket;
    VmConfig config = opt.vm;
    if (opt.restore_from) {
        auto rs = HostSocket::listen("results");
        if (!rs) return rs.error();
        auto qs = HostSocket::listen("qmp");
        if (!qs) return qs.error();
        results_socket.emplace(std::move(*rs));
        qmp_socket.emplace(std::move(*qs));
        config = restore_config(*opt.restore_from, opt.vm.console_log, opt.vm.results_file, results_socket->name(), qmp_socket->name());
        if (!opt.go_files.empty()) config.fw_cfg_files.emplace_back(protocol::kGoFilesFwCfgName, opt.go_files);
        std::error_code ec;
        std::filesystem::remove(opt.vm.results_file, ec);
    }
    auto proc = VmProcess::start(qemu_argv(config), opt.qemu_log);
    if (!proc) return proc.error();
    std::ofstream results_copy;
    if (opt.restore_from) {
        auto failed = [&](const std::string& why) {
            proc->kill();
            r.end = VmEnd::NoBoot;
            r.killed_by_us = true;
            r.restore_error = why;
            r.wait_status = proc->poll();
            return r;
        };
        auto qemu_ended = [&] { return proc->poll().has_value(); };
        if (!qmp_socket->accept_within(std::chrono::seconds(20), qemu_ended)) return failed("QEMU did not connect its monitor");
        if (!results_socket->accept_within(std::chrono::seconds(5), qemu_ended)) return failed("QEMU did not connect the results UART");
        auto qmp = Qmp::open(*qmp_socket, std::chrono::seconds(10));
        if (!qmp) return failed(qmp.error().message);
        if (auto done = restore_into(*qmp, *opt.restore_from); !done) return failed(done.error().message);
        r.restored = true;
        results_copy.open(opt.vm.results_file, std::ios::binary | std::ios::app);
    }
    host::FileTail results(opt.vm.results_file);
    ConsoleCrashWatch crash_watch(opt.vm.console_log);
    protocol::FrameDecoder decoder;
    auto last_frame = Clock::now();
    std::string untampered;  // tests only: the unterminated tail the tamper hook has not seen yet
    auto last_go = Clock::time_point{};
    auto read_frames = [&] {
        if (results_socket) {
            const std::string got = results_socket->read_available();
            if (!got.empty()) {
                results_copy.write(got.data(), static_cast<std::streamsize>(got.size()));
                results_copy.flush();
            }
            if (!r.booted && Clock::now() - last_go >= opt.go_resend) {
                results_socket->write_all(opt.go_line);
                last_go = Clock::now();
            }
        }
        std::string chunk = results.read_new();
        if (opt.tamper_results) {
            // The hook sees whole lines only: a frame split across two reads is still one frame.
            untampered += chunk;
            const auto eol = untampered.rfind('\n');
            chunk = eol == std::string::npos ? std::string() : untampered.substr(0, eol + 1);
            untampered.erase(0, chunk.size());
            if (!chunk.empty()) opt.tamper_results(chunk);
        }
        auto frames = decoder.feed(chunk);
        if (frames.empty()) return;
        std::error_code ec;
        const std::uint64_t console_offset = std::filesystem::file_size(opt.vm.console_log, ec);
        for (auto& payload : frames) {
            last_frame = Clock::now();  // any verified frame is a sign of life
            auto rec = kv_parse(payload);
            if (!rec) continue;
            if (protocol::frame_type(*rec) == protocol::FrameType::Hello) r.booted = true;
            if (opt.on_frame)
                opt.on_frame(GuestFrame{std::chrono::duration<double>(last_frame - r.started).count(), ec ? 0 : console_offset, *rec});
        }
    };
    auto stop = [&](VmEnd why) {
        r.end = why;
        r.killed_by_us = true;
        proc->kill();
    };
    std::string to_guest;  // not yet taken by the socket
    auto last_check = Clock::now();
    while (!(r.wait_status = proc->poll())) {
        read_frames();
        if (results_socket && !to_guest.empty()) to_guest.erase(0, results_socket->write_some(to_guest));
        if (Clock::now() - last_check >= opt.check_interval) {
            last_check = Clock::now();
            if (opt.periodic) opt.periodic();
            if (results_socket && r.booted && to_guest.empty() && opt.to_guest) to_guest = opt.to_guest();
            std::error_code ec;
            auto console_bytes = std::filesystem::file_size(opt.vm.console_log, ec);
            if (opt.max_console_bytes > 0 && !ec && console_bytes > opt.max_console_bytes) {
                stop(VmEnd::Flood);
                break;
            }
        }
        if (opt.stop_now && opt.stop_now()) {
            stop(VmEnd::CallerStop);
            break;
        }
        if (auto why = watchdog(opt, r, last_frame, crash_watch)) {
            stop(*why);
            break;
        }
        std::this_thread::sleep_for(opt.poll_interval);
    }
    if (!r.wait_status) r.wait_status = proc->poll();
    // Whatever the guest managed to send before the end still counts.
    read_frames();
    r.bad_frames = decoder.bad_frames();
    return r;
}

}  // namespace mh::vm
