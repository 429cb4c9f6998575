// Building and booting one fuzzing VM (see fuzz_vm.h).
#include "harness/campaign/fuzz_vm.h"

#include <set>

#include "harness/campaign/fuzz_snapshot.h"
#include "harness/common/files.h"
#include "harness/common/packed_bytes.h"
#include "harness/protocol/go_record.h"

#include "harness/vm/cpio.h"
#include "harness/vm/guest_token.h"
#include "harness/host/process.h"
#include "harness/vm/qemu_argv.h"
#include "harness/protocol/frame_types.h"

namespace mh::campaign {

namespace fs = std::filesystem;

std::optional<kernel_log::CrashReport> crash_report_of(const FuzzVmResult& r) {
    if (!r.vm.crashes.empty()) return r.vm.crashes.front();
    if (!r.crash) return std::nullopt;
    auto klog = unpack_bytes(r.crash->get_or("kmsg", ""), std::strtoull(r.crash->get_or("kmsg_size", "0").c_str(), nullptr, 10));
    if (!klog) return std::nullopt;
    auto found = kernel_log::parse_console(*klog);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::string crash_input_of(const FuzzVmResult& r) {
    if (!r.crash) return {};
    auto in = unpack_bytes(r.crash->get_or("input", ""), std::strtoull(r.crash->get_or("input_size", "0").c_str(), nullptr, 10));
    return in ? *in : std::string();
}

fs::path stripped_copy(const fs::path& file, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path out = dir / file.filename();
    if (fs::exists(out, ec) && fs::last_write_time(out, ec) >= fs::last_write_time(file, ec)) return out;
    auto r = host::run_process({"strip", "--strip-debug", "-o", out.string(), file.string()});
    if (!r || !r->success()) return file;
    return out;
}

std::string fuzz_conf(const FuzzVmSpec& spec) {
    KvRecord head = protocol::make_record(protocol::FrameType::Fuzz);
    head.set("hang_s", std::to_string(spec.hang_seconds));
    head.set("stats_s", "2");
    head.set("watch", spec.watch_dir);
    if (!spec.import.empty()) head.set("import", spec.import);
    std::string conf = kv_format(head) + "\n";
    auto line = [&](protocol::FrameType type, const std::string& value) {
        KvRecord r = protocol::make_record(type);
        r.set("value", value);
        conf += kv_format(r) + "\n";
    };
    for (const auto& a : spec.engine_argv) line(protocol::FrameType::Arg, a);
    for (const auto& e : spec.engine_env) line(protocol::FrameType::Env, e);
    for (const auto& d : spec.make_dirs) line(protocol::FrameType::Mkdir, d);
    return conf;
}

Expected<std::string> fuzz_initramfs(const FuzzVmSpec& spec, const std::string& token, bool shared_only) {
    vm::CpioWriter cpio;
    for (const char* d : {"mh", "proc", "sys", "dev", "tmp", "fuzz"}) cpio.add_directory(d);
    const std::string exe = read_text_file(spec.executor).value_or("");
    if (exe.empty()) return environment_error("cannot read the guest executor " + spec.executor.string());
    cpio.add_file("init", exe, 0755);
    MH_TRY(vm::add_dynamic_program(cpio, spec.engine, spec.engine_dest));
    for (const auto& p : spec.extra_programs) MH_TRY(vm::add_dynamic_program(cpio, p, p.string()));
    if (!spec.shell.empty()) MH_TRY(vm::add_dynamic_program(cpio, spec.shell, "bin/sh"));
    cpio.add_file("mh/token", token + "\n");
    if (!shared_only) cpio.add_file("mh/fuzz.conf", fuzz_conf(spec));
    std::set<std::string> dirs;
    auto add = [&](const GuestFile& f) {
        // Parent directories once each (the cpio writer does not invent them).
        for (fs::path p = fs::path(f.path).parent_path(); !p.empty(); p = p.parent_path())
            if (dirs.insert(p.string()).second && p.string() != "mh" && p.string() != "fuzz" && p.string() != "tmp")
                cpio.add_directory(p.string());
        cpio.add_file(f.path, f.data, 0644);
    };
    for (const auto& f : spec.files) add(f);
    if (!shared_only)
        for (const auto& f : spec.work_files) add(f);
    return cpio.finish();
}

std::string fuzz_cmdline(const FuzzVmSpec& spec, const std::string& token, bool wait_for_go) {
    vm::GuestCmdline cl;
    cl.token = token;
    cl.tsc_khz = spec.tsc_khz;
    // nokaslr: KCOV PCs must match vmlinux addresses. module_blacklist: the loader's blacklist
    // walk runs for every module that gets that far (only when the list is set).
    cl.extra = {"nokaslr", "module_blacklist=mh_blacklisted,mh_fuzz_blocked"};
    cl.loglevel = 1;
    cl.wait_for_go = wait_for_go;
    return vm::guest_cmdline(cl);
}

namespace {

// fuzz.conf and the work files as `file` records in work_dir/go-files (the restored VM's fw_cfg
// file), and the go record announcing them.
Status go_for(const FuzzVmSpec& spec, const std::string& token, const std::string& seed, vm::GuestProgramOptions& go) {
    std::vector<protocol::GoFile> files{{"mh/fuzz.conf", fuzz_conf(spec)}};
    for (const auto& f : spec.work_files) files.push_back({f.path, f.data});
    std::string records;
    for (const auto& f : files) records += protocol::format_go_file(f);
    go.go_files = spec.work_dir / "go-files";
    MH_TRY(write_file_atomic(go.go_files, records));
    go.go_line = protocol::format_go({0, -1, token, seed, static_cast<int>(files.size())});
    return ok_status();
}

}  // namespace

Expected<FuzzVmResult> run_fuzz_vm(const FuzzVmSpec& spec) {
    std::error_code ec;
    fs::create_directories(spec.work_dir, ec);

    vm::GuestProgramOptions go;
    go.vm.kernel = spec.kernel.bzimage;
    go.vm.accel = spec.accel;
    go.vm.memory_mb = spec.memory_mb;
    go.vm.console_log = spec.work_dir / "console.log";
    go.vm.results_file = spec.work_dir / "results.bin";
    go.total_timeout = spec.total_timeout;
    go.idle_timeout = std::chrono::seconds(std::max(60, 3 * spec.hang_seconds));
    go.crash_grace = std::chrono::seconds(30);  // the supervisor needs time to send the input
    go.interrupted = spec.interrupted;
    go.keep_frames = false;

    FuzzVmResult out;
    go.on_frame = [&](const vm::GuestFrame& f) {
        const auto type = protocol::frame_type(f.record);
        if (type == protocol::FrameType::Engine)
            out.engine_started_s = f.host_seconds;
        else if (type == protocol::FrameType::Crash)
            out.crash = f.record;
        else if (type == protocol::FrameType::Error)
            out.error = f.record;
        else if (type == protocol::FrameType::End)
            out.ended = true;
        if (spec.on_frame) spec.on_frame(f);
    };

    const auto looking = std::chrono::steady_clock::now();
    const auto snap = spec.snapshot ? spec.snapshot->for_spec(spec) : nullptr;
    const double snapshot_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - looking).count();
    if (snap) {
        // A fresh seed per restored guest; without one the VM boots cold.
        auto seed = vm::random_hex(protocol::kGoSeedBytes, "restored guest's entropy seed");
        if (!seed) {
            spec.snapshot->drop(seed.error().message);
        } else {
            vm::GuestProgramOptions restored = go;
            restored.restore_from = snap.get();
            restored.to_guest = spec.to_guest;
            MH_TRY(go_for(spec, spec.snapshot->token(), *seed, restored));
            // A restore that works says hello within a second or two; one that does not is given up early.
            restored.boot_timeout = std::chrono::seconds(20);
            auto r = vm::run_guest_program(restored);
            if (!r) return r.error();
            // Interrupted (Ctrl-C) is no verdict on the snapshot: the VM ends as a booted one would.
            if (r->booted || r->vm_event == "interrupted") {
                if (r->booted) spec.snapshot->count_restored();
                out.snapshot_s = snapshot_s;
                out.vm = std::move(*r);
                out.console = read_text_file(go.vm.console_log).value_or("");
                return out;
            }
            // No hello, so nothing ran in it (the guest says hello once it has its files): boot
            // this VM (and the rest) cold.
            const std::string why = !r->restore_error.empty() ? r->restore_error
                                    : out.error               ? "the guest said: " + out.error->get_or("message", "error")
                                                : "the restored guest did not answer (" + r->vm_event + ", " + r->exit_status + ")";
            spec.snapshot->drop("restore failed: " + why);
            out = FuzzVmResult{};
            out.snapshot_s = snapshot_s + r->wall_seconds;  // the failed restore is time lost too
        }
    }

    MH_TRY_ASSIGN(token, vm::guest_token());
    MH_TRY_ASSIGN(initrd_bytes, fuzz_initramfs(spec, token, false));
    const fs::path initrd = spec.work_dir / "initrd.cpio";
    MH_TRY(write_file_atomic(initrd, initrd_bytes));
    go.vm.initrd = initrd;
    go.vm.append = fuzz_cmdline(spec, token, false);
    auto r = vm::run_guest_program(go);
    if (!r) return r.error();
    out.vm = std::move(*r);
    out.console = read_text_file(go.vm.console_log).value_or("");
    if (!snap) out.snapshot_s = snapshot_s;  // a snapshot that could not be taken cost its time
    return out;
}

}  // namespace mh::campaign
