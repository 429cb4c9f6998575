// One fuzzing VM: an initramfs with the executor as /init (fuzz mode), an engine binary with its
// libraries, seeds, the synced corpus and any extra files; boots it and hands every frame to the
// caller as it arrives (new PCs, corpus files, stats), then returns how the VM ended.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/common/kv.h"
#include "harness/kernel_log/console_parser.h"
#include "harness/vm/guest_program.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::campaign {

struct GuestFile {
    std::string path;  // inside the initramfs, no leading '/'
    std::string data;
};

class FuzzSnapshot;

struct FuzzVmSpec {
    kernels::Kernel kernel;
    std::filesystem::path executor;  // static mh-executor
    std::filesystem::path engine;  // dynamic engine binary (packed with its libraries)
    std::string engine_dest = "fuzz/engine";  // where it goes in the initramfs
    std::vector<std::filesystem::path> extra_programs;  // more dynamic binaries, at their host paths
    // A shell at /bin/sh (busybox-static): libFuzzer's -merge=1 starts its inner process with
    // system(). Empty: the guest has none.
    std::filesystem::path shell;
    std::vector<std::string> engine_argv;  // argv[0] included (e.g. "/fuzz/engine")
    std::vector<std::string> engine_env;  // KEY=VALUE
    std::vector<std::string> make_dirs;  // guest dirs created before the engine starts
    std::string watch_dir = "/tmp/corpus";  // corpus directory the supervisor syncs
    // Peer inputs while the engine runs (a restored VM only: its results UART is a socket the
    // host writes): `to_guest` gives `file` records mh/peers/<peer>/<name>, the guest writes them
    // where `import` says (fuzz.conf; executor/peer_import.h).
    std::string import;
    std::function<std::string()> to_guest;
    std::vector<GuestFile> files;  // shared by every VM of a run (environment modules)
    // This VM's own work (replay inputs), under mh/: in the initramfs of a booted VM, sent as
    // `file` records to a restored one (with fuzz.conf).
    std::vector<GuestFile> work_files;
    // Set: the VM is restored from this snapshot of the shared part (taken on first use); a
    // restore that fails drops it and the VM boots cold.
    FuzzSnapshot* snapshot = nullptr;
    vm::Accel accel = vm::Accel::Tcg;
    int memory_mb = 1024;
    std::optional<long> tsc_khz;
    int hang_seconds = 20;
    std::filesystem::path work_dir;  // initrd, console log, results channel file
    std::chrono::seconds total_timeout{3600};
    const std::atomic<bool>* interrupted = nullptr;
    std::function<void(const vm::GuestFrame&)> on_frame;
};

struct FuzzVmResult {
    vm::GuestProgramResult vm;  // frames are not kept (they stream through on_frame)
    std::optional<KvRecord> crash;  // the supervisor's crash frame
    std::optional<KvRecord> error;  // a guest-side error frame
    bool ended = false;  // the engine finished its time cleanly
    double engine_started_s = -1;  // host seconds from QEMU start to the engine running
    double snapshot_s = 0;  // before QEMU started: taking (or finding) the snapshot it was restored from
    std::string console;  // console log text (for crash reports)
};

Expected<FuzzVmResult> run_fuzz_vm(const FuzzVmSpec& spec);

// The parts of a fuzz VM (fuzz_snapshot.cpp builds its snapshot VM from them): the initramfs
// with `token`, without fuzz.conf and work_files when `shared_only`; the kernel command line.
Expected<std::string> fuzz_initramfs(const FuzzVmSpec& spec, const std::string& token, bool shared_only);
std::string fuzz_cmdline(const FuzzVmSpec& spec, const std::string& token, bool wait_for_go);
// fuzz.conf: the engine's argv, environment and directories for the guest's supervisor.
std::string fuzz_conf(const FuzzVmSpec& spec);

// The kernel's report of a crash: from the console, else (the console runs at loglevel 1 for
// speed, so WARN and KASAN text is only in the kernel log) from the log tail the supervisor sent.
std::optional<kernel_log::CrashReport> crash_report_of(const FuzzVmResult& r);
// The input the supervisor sent with its crash frame ("" when none).
std::string crash_input_of(const FuzzVmResult& r);

// `strip --strip-debug` copy of a binary or module into dir (cached by name); the input on failure.
std::filesystem::path stripped_copy(const std::filesystem::path& file, const std::filesystem::path& dir);

}  // namespace mh::campaign
