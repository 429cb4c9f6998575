// One VM, one guest program (fuzz supervisor, load-latency bench), frames with host timestamps,
// watched by the one VM monitor (monitor.h); and packing a dynamic binary into the initramfs.
#include "harness/common/files.h"
#include "harness/vm/guest_program.h"

#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "harness/host/child.h"
#include "harness/host/file_tail.h"
#include "harness/host/process.h"
#include "harness/protocol/frame_types.h"

namespace mh::vm {
namespace {

void add_parents(CpioWriter& cpio, const std::string& path, std::set<std::string>& dirs) {
    size_t pos = 0;
    while ((pos = path.find('/', pos + 1)) != std::string::npos) {
        std::string d = path.substr(0, pos);
        while (!d.empty() && d.front() == '/') d.erase(0, 1);
        if (!d.empty() && dirs.insert(d).second) cpio.add_directory(d);
    }
}

}  // namespace

std::vector<std::string> parse_ldd_output(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::string path;
        auto arrow = line.find("=> ");
        if (arrow != std::string::npos) {
            path = line.substr(arrow + 3);
        } else {
            size_t b = line.find_first_not_of(" \t");
            if (b == std::string::npos) continue;
            path = line.substr(b);
        }
        auto paren = path.find(" (");
        if (paren != std::string::npos) path = path.substr(0, paren);
        if (!path.empty() && path.front() == '/') out.push_back(path);
    }
    return out;
}

Status add_dynamic_program(CpioWriter& cpio, const std::filesystem::path& binary, const std::string& dest) {
    host::ProcessOptions po;
    po.timeout = std::chrono::milliseconds(30000);
    auto ldd = host::run_process({"ldd", binary.string()}, po);
    if (!ldd) return ldd.error();
    // A static binary (busybox-static as the merge VM's /bin/sh) needs no libraries.
    const bool is_static = (ldd->out + ldd->err).find("not a dynamic executable") != std::string::npos;
    if (!ldd->success() && !is_static)
        return environment_error("ldd " + binary.string() + ": " + ldd->status_text() + ": " + host::tail_lines(ldd->out + ldd->err, 5));
    std::set<std::string> dirs;
    for (const auto& lib : is_static ? std::vector<std::string>{} : parse_ldd_output(ldd->out)) {
        std::string data = read_text_file(lib).value_or("");
        if (data.empty()) return environment_error("cannot read library " + lib);
        add_parents(cpio, lib, dirs);
        cpio.add_file(lib.substr(1), data, 0755);
    }
    std::string prog = read_text_file(binary).value_or("");
    if (prog.empty()) return environment_error("cannot read " + binary.string());
    std::string d = dest;
    while (!d.empty() && d.front() == '/') d.erase(0, 1);
    add_parents(cpio, "/" + d, dirs);
    cpio.add_file(d, prog, 0755);
    return ok_status();
}

Expected<GuestProgramResult> run_guest_program(const GuestProgramOptions& opt) {
    GuestProgramResult res;
    std::error_code ec;
    std::filesystem::remove(opt.vm.results_file, ec);
    std::filesystem::remove(opt.vm.console_log, ec);
    MonitorOptions mo;
    mo.vm = opt.vm;
    mo.qemu_log = opt.vm.console_log;
    mo.qemu_log.replace_extension(".qemu.log");
    mo.boot_timeout = opt.boot_timeout;
    mo.idle_timeout = opt.idle_timeout;
    mo.total_timeout = opt.total_timeout;
    mo.crash_grace = opt.crash_grace;
    mo.poll_interval = std::chrono::milliseconds(2);
    mo.interrupted = opt.interrupted;
    mo.restore_from = opt.restore_from;
    mo.go_line = opt.go_line;
    mo.go_files = opt.go_files;
    mo.to_guest = opt.to_guest;
    mo.on_frame = [&](const GuestFrame& f) {
        if (protocol::frame_type(f.record) == protocol::FrameType::End) res.ended = true;
        if (opt.on_frame) opt.on_frame(f);
        if (opt.keep_frames) res.frames.push_back(f);
    };
    auto m = monitor_vm(mo);
    if (!m) return m.error();
    res.booted = m->booted;
    res.restored = m->restored;
    res.restore_error = m->restore_error;
    res.vm_event = m->end == VmEnd::Exited ? "" : std::string(vm_end_name(m->end));
    res.bad_frames = m->bad_frames;
    res.exit_status = m->wait_status ? host::describe_wait_status(*m->wait_status) : "killed";
    res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m->started).count();
    res.crashes = kernel_log::parse_console(read_text_file(opt.vm.console_log).value_or(""));
    return res;
}

}  // namespace mh::vm
