// Boot a guest program (any /init that speaks the framed results protocol) in one VM and collect
// its frames with host arrival times; plus packing a dynamic binary and its libraries into a cpio.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/common/kv.h"
#include "harness/kernel_log/console_parser.h"
#include "harness/vm/cpio.h"
#include "harness/vm/monitor.h"
#include "harness/vm/qemu_argv.h"

namespace mh::vm {

// Adds `binary` at `dest` plus its ELF interpreter and every shared library `ldd` lists, each at
// its host path (symlinks resolved to file contents); a static binary alone. The parent
// directories are added too.
Status add_dynamic_program(CpioWriter& cpio, const std::filesystem::path& binary, const std::string& dest);

// The shared-library paths in `ldd` output ("libx.so => /lib/libx.so (0x..)", "/lib64/ld-linux... (0x..)").
std::vector<std::string> parse_ldd_output(const std::string& text);

struct GuestProgramOptions {
    VmConfig vm;  // initrd, append (with token), kernel, logs set by the caller
    std::chrono::seconds boot_timeout{90};  // no `hello` frame by then: kill ("no-boot")
    std::chrono::seconds idle_timeout{300};  // booted but silent this long: kill ("idle")
    std::chrono::seconds total_timeout{3600};
    std::chrono::seconds crash_grace{5};  // crash seen on the console: kill after this
    const std::atomic<bool>* interrupted = nullptr;
    std::function<void(const GuestFrame&)> on_frame;  // live, as frames arrive
    bool keep_frames = true;  // false: frames only stream through on_frame (long fuzzing VMs)
    // Set: restored from this snapshot instead of booted (MonitorOptions has the details); the
    // go line and the files it announces reach the guest after the restore.
    const GuestSnapshot* restore_from = nullptr;
    std::string go_line;
    std::filesystem::path go_files;
    std::function<std::string()> to_guest;  // MonitorOptions::to_guest
};

struct GuestProgramResult {
    std::vector<GuestFrame> frames;
    bool booted = false;  // a `hello` frame arrived
    bool ended = false;  // an `end` frame arrived
    bool restored = false;  // restored from GuestProgramOptions::restore_from
    std::string restore_error;  // the restore failed (nothing ran): why
    std::string vm_event;  // "", "no-boot", "idle", "timeout", "crash", "interrupted"
    std::string exit_status;  // "exited 0", ...
    double wall_seconds = 0;
    size_t bad_frames = 0;
    std::vector<kernel_log::CrashReport> crashes;  // from the console log
};

// Runs one VM to its end (or a watchdog). Error only when QEMU cannot be started.
Expected<GuestProgramResult> run_guest_program(const GuestProgramOptions& options);

}  // namespace mh::vm
