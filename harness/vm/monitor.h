// The one VM monitor: starts QEMU and watches it until it ends — verified frames from the results
// channel (with host arrival times), the live console (crash lines, flood), boot/idle/total
// watchdogs, interrupts and the caller's own stop conditions — and says how it ended, as one enum.
// What the frames mean is the caller's business (a case batch, a fuzzing VM, a benchmark).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "harness/common/expected.h"
#include "harness/common/kv.h"
#include "harness/vm/qemu_argv.h"
#include "harness/vm/snapshot.h"

namespace mh::vm {

enum class VmEnd {
    Exited,  // QEMU ended by itself (the guest powered off or rebooted, or QEMU died)
    NoBoot,  // no `hello` frame within the boot timeout
    Idle,  // booted, then silent longer than the idle timeout
    Timeout,  // running longer than the total timeout
    Crash,  // a crash line on the console and the guest did not end within the grace
    Flood,  // the console log passed its size limit
    Interrupted,  // the interrupted flag was raised (Ctrl-C)
    CallerStop,  // the caller's stop_now asked for it (its own reason)
};
// "exited", "no-boot", "idle", "timeout", "crash", "flood", "interrupted", "stopped".
std::string_view vm_end_name(VmEnd e);

struct GuestFrame {
    double host_seconds = 0;  // since QEMU started, when the host read the frame
    // Size of the console log when the frame was read: console text between two frames' offsets
    // was printed between them (a kernel report after one case's result and before the next).
    std::uint64_t console_offset = 0;
    KvRecord record;
};

struct MonitorOptions {
    VmConfig vm;  // complete: initrd, append, console and results files
    std::filesystem::path qemu_log;  // QEMU's own stdout/stderr
    std::chrono::seconds boot_timeout{60};
    std::chrono::seconds idle_timeout{0};  // 0: no idle watchdog
    std::chrono::seconds total_timeout{0};  // 0: no total limit
    std::chrono::seconds crash_grace{5};  // crash line seen: the guest gets this long to end
    // ... but is stopped sooner once console and results have been silent this long after the
    // crash line (0: wait out the grace).
    std::chrono::milliseconds crash_quiet{0};
    std::uint64_t max_console_bytes = 0;  // 0: unchecked
    std::chrono::milliseconds poll_interval{5};
    std::chrono::milliseconds check_interval{250};  // console size and `periodic`
    const std::atomic<bool>* interrupted = nullptr;
    // Set: the VM is restored from this snapshot instead of booting `vm` (whose console and
    // results files it keeps), and `go_line` goes to the guest's results UART, again every
    // `go_resend` until the guest says hello (a byte landing while the restore replaces the
    // UART's state is lost).
    const GuestSnapshot* restore_from = nullptr;
    std::string go_line;
    std::chrono::milliseconds go_resend{100};
    // The file holding the `file` records the go line announces (protocol/go_record.h): the
    // restored VM gets it as its fw_cfg file protocol::kGoFilesFwCfgName.
    std::filesystem::path go_files;
    // A restored VM only, once it said hello: asked every check_interval for more bytes for the
    // guest's results UART while what it gave last time has all gone (e.g. a fuzz VM's peer
    // inputs as `file` records). QEMU takes them as fast as the guest's UART drains.
    std::function<std::string()> to_guest;
    std::function<void(const GuestFrame&)> on_frame;  // each verified frame, in order
    std::function<void()> periodic;  // every check_interval (e.g. a free-space check)
    std::function<bool()> stop_now;  // every poll, after frames: true stops the VM
    std::function<bool()> idle_applies;  // default: always, once booted
    // Tests only: sees what is read from the results channel, in whole lines, before it is
    // decoded (to corrupt a frame the way a flaky channel would). Never set outside tests.
    std::function<void(std::string&)> tamper_results;
};

struct MonitorResult {
    VmEnd end = VmEnd::Exited;
    std::optional<int> wait_status;  // QEMU's wait status
    bool killed_by_us = false;
    bool booted = false;  // a `hello` frame arrived
    bool restored = false;  // restored from MonitorOptions::restore_from (the restore itself worked)
    std::string restore_error;  // the restore failed (QEMU was stopped, nothing ran): why
    std::size_t bad_frames = 0;
    std::chrono::steady_clock::time_point started;
};

// Runs one VM to its end. Error only when QEMU cannot be started.
Expected<MonitorResult> monitor_vm(const MonitorOptions& options);

}  // namespace mh::vm
