// One VM, one guest program, frames with host timestamps: the monitor for programs that are not
// case batches (the load-latency bench). batch_runner.cpp remains the monitor for case batches.
#include "harness/vm/guest_program.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "harness/protocol/frame.h"
#include "harness/vm/crash_watch.h"
#include "harness/host/file_tail.h"
#include "harness/host/process.h"
#include "harness/vm/vm_process.h"
#include "harness/protocol/frame_types.h"

namespace mh::vm {
namespace {

using Clock = std::chrono::steady_clock;


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
    if (!ldd->success()) return make_error("ldd " + binary.string() + ": " + ldd->status_text() + ": " + host::tail_lines(ldd->out + ldd->err, 5));
    std::set<std::string> dirs;
    for (const auto& lib : parse_ldd_output(ldd->out)) {
        std::string data = host::read_whole_file(lib);
        if (data.empty()) return make_error("cannot read library " + lib);
        add_parents(cpio, lib, dirs);
        cpio.add_file(lib.substr(1), data, 0755);
    }
    std::string prog = host::read_whole_file(binary);
    if (prog.empty()) return make_error("cannot read " + binary.string());
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
    auto log = opt.vm.console_log;
    log.replace_extension(".qemu.log");
    auto start = Clock::now();
    auto proc = VmProcess::start(qemu_argv(opt.vm), log);
    if (!proc) return proc.error();
    host::FileTail results(opt.vm.results_file);
    ConsoleCrashWatch crash_watch(opt.vm.console_log);
    protocol::FrameDecoder decoder;
    auto last = Clock::now();
    auto take = [&](const std::string& chunk) {
        for (auto& payload : decoder.feed(chunk)) {
            auto rec = kv_parse(payload);
            if (!rec) continue;
            last = Clock::now();
            GuestFrame f{std::chrono::duration<double>(last - start).count(), *rec};
            const auto type = protocol::frame_type(*rec);
            if (type == protocol::FrameType::Hello) res.booted = true;
            if (type == protocol::FrameType::End) res.ended = true;
            if (opt.on_frame) opt.on_frame(f);
            if (opt.keep_frames) res.frames.push_back(std::move(f));
        }
    };
    std::optional<int> status;
    while (!(status = proc->poll())) {
        take(results.read_new());
        if (crash_watch.overdue(opt.crash_grace)) {
            res.vm_event = "crash";
            proc->kill();
            break;
        }
        auto now = Clock::now();
        if (opt.interrupted && opt.interrupted->load()) res.vm_event = "interrupted";
        else if (!res.booted && now - start > opt.boot_timeout) res.vm_event = "no-boot";
        else if (res.booted && now - last > opt.idle_timeout) res.vm_event = "idle";
        else if (now - start > opt.total_timeout) res.vm_event = "timeout";
        if (!res.vm_event.empty()) {
            proc->kill();
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!status) status = proc->poll();
    take(results.read_new());
    res.bad_frames = decoder.bad_frames();
    res.exit_status = status ? host::describe_wait_status(*status) : "killed";
    res.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    res.crashes = kernel_log::parse_console(host::read_whole_file(opt.vm.console_log));
    return res;
}

}  // namespace mh::vm
