// The guest /init: guard, mount, run the batch of cases, send framed results on /dev/ttyS1, reboot.
#include <sys/utsname.h>
#include <time.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "harness/common/files.h"
#include "harness/common/kv.h"
#include "harness/common/monotonic.h"
#include "harness/common/text.h"
#include "harness/executor/case_runner.h"
#include "harness/executor/fuzz_supervisor.h"
#include "harness/executor/go_wait.h"
#include "harness/protocol/guest_case.h"
#include "harness/executor/guest_env.h"
#include "harness/executor/real_backend.h"
#include "harness/guest_guard/guard.h"
#include "harness/guest_guard/machine.h"
#include "harness/kernel_log/taint.h"
#include "harness/protocol/frame_types.h"

namespace {

using namespace mh;
using namespace mh::executor;

constexpr const char* kExecutorVersion = "1";
constexpr const char* kCasesPath = "/mh/cases";

// The end of the case loop: a console-results run (a LAVA job) says so first, so the LAVA
// monitor closes even when a poisoned kernel leaves cases unrun.
[[noreturn]] void end_cases(bool console_results) {
    if (console_results) write_console("mh-lava: end\n");
    power_off();
}

}  // namespace

int main() {
    if (auto why = guest_guard::refusal_as_init()) return refuse_and_exit("modharness-executor", *why);
    auto cmdline = read_text_file("/proc/cmdline").value_or("");

    mount_guest_filesystems();
    // modharness.results=console: frames on the console, with a pass/fail line per case for a LAVA
    // monitor (modharness lava-job); the host reads them back from the job's log.
    const bool console_results = guest_guard::cmdline_value(cmdline, "modharness.results=").value_or("") == "console";
    ResultsPort channel(console_results);
    RealBackend backend;
    RunnerEnv env;

    // A VM booted for a snapshot: say so, and wait here. The host saves the VM now; each VM
    // restored from it resumes in wait_for_go and gets its cases, a token to check against the
    // initramfs's (the guard's check, again, for this guest), a fresh random seed and any files.
    std::optional<protocol::GoRecord> go;
    if (guest_guard::cmdline_value(cmdline, "modharness.wait=").value_or("") == "1") {
        channel.send(protocol::make_record(protocol::FrameType::Ready));
        auto got = wait_for_go();
        const auto token = trim(read_text_file(guest_guard::kTokenPath).value_or(""));
        std::string problem;
        if (!got)
            problem = got.error().message;
        else if (got->token != token)
            problem = "the go record's token does not match the initramfs token";
        if (!problem.empty()) {
            KvRecord err = protocol::make_record(protocol::FrameType::Error);
            err.set("message", problem);
            channel.send(err);
            power_off();
        }
        mix_seed(got->seed_hex);
        // A fuzz VM's work (fuzz.conf, inputs) differs per VM: it comes as files, now that the
        // token says this host started this guest.
        if (got->files > 0) {
            if (auto received = receive_go_files(got->files); !received) {
                KvRecord err = protocol::make_record(protocol::FrameType::Error);
                err.set("message", "receiving the host's files: " + received.error().message);
                channel.send(err);
                power_off();
            }
        }
        go = *got;
    }

    KvRecord hello = protocol::make_record(protocol::FrameType::Hello);
    hello.set("version", kExecutorVersion);
    utsname u{};
    if (::uname(&u) == 0) hello.set("release", u.release);
    hello.set("taint", std::to_string(backend.taint()));
    hello.set("results_port", channel.on_serial() ? "ttyS1" : "console");
    if (go) hello.set("restored", "1");
    channel.send(hello);

    // A fuzzing VM: the host put an engine command line instead of cases.
    if (auto conf = read_text_file(kFuzzConfPath)) {
        auto config = parse_fuzz_conf(*conf);
        if (config) run_fuzz_supervisor(channel, *config);
        KvRecord err = protocol::make_record(protocol::FrameType::Error);
        err.set("message", config.error().message);
        channel.send(err);
        power_off();
    }

    int start = 0;
    if (auto s = guest_guard::cmdline_value(cmdline, "modharness.start=")) start = std::atoi(s->c_str());
    // A retry VM runs one case: the host sets where the run stops.
    int stop = -1;
    if (auto s = guest_guard::cmdline_value(cmdline, "modharness.stop=")) stop = std::atoi(s->c_str());
    if (go) {
        start = go->start;
        stop = go->stop;
    }
    auto cases_text = read_text_file(kCasesPath);
    if (!cases_text) {
        KvRecord err = protocol::make_record(protocol::FrameType::Error);
        err.set("message", std::string("cannot read ") + kCasesPath);
        channel.send(err);
        power_off();
    }
    std::uint64_t taint_between = backend.taint();
    std::uint64_t last_result_ns = 0;
    if (console_results) write_console("mh-lava: begin\n");
    for (auto [line, number] : lines(*cases_text)) {
        if (line.empty() || line[0] == '#') continue;
        auto rec = kv_parse(line);
        auto gc = rec ? protocol::parse_guest_case(*rec) : Expected<protocol::GuestCase>(rec.error());
        if (!gc) {
            KvRecord err = protocol::make_record(protocol::FrameType::Error);
            err.set("message", "bad case line: " + gc.error().message);
            channel.send(err);
            continue;
        }
        if (gc->idx < start) continue;
        if (stop >= 0 && gc->idx >= stop) break;
        // The kernel was poisoned while no case ran (a late oops or WARN of the last case): this
        // case runs in a fresh VM instead; the host blames the report on the case before.
        if (kernel_log::is_poisoning_taint(backend.taint() & ~taint_between)) {
            KvRecord restart = protocol::make_record(protocol::FrameType::Restart);
            restart.set("next", std::to_string(gc->idx));
            channel.send(restart);
            end_cases(console_results);
        }
        KvRecord begin = protocol::make_record(protocol::FrameType::Start);
        begin.set("idx", std::to_string(gc->idx));
        begin.set("id", gc->id);
        const uint64_t t_start = monotonic_ns();
        channel.send(begin);
        const uint64_t t_sent = monotonic_ns();
        auto outcome = run_case(*gc, backend, env);
        outcome.record.set("start_frame_ns", std::to_string(t_sent - t_start));
        // Guest time from sending the previous case's result to this case's start (the result
        // frame, the taint check, the next case line).
        if (last_result_ns) outcome.record.set("between_ns", std::to_string(t_start - last_result_ns));
        last_result_ns = monotonic_ns();
        channel.send(outcome.record);
        if (console_results) write_console(protocol::console_case_line(*gc, outcome.record));
        if (outcome.poisoned) {
            KvRecord restart = protocol::make_record(protocol::FrameType::Restart);
            restart.set("next", std::to_string(gc->idx + 1));
            channel.send(restart);
            end_cases(console_results);
        }
        taint_between = backend.taint();
        if (gc->settle_ms) {
            timespec ts{static_cast<time_t>(gc->settle_ms / 1000), static_cast<long>(gc->settle_ms % 1000) * 1000000L};
            while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        }
    }
    KvRecord end = protocol::make_record(protocol::FrameType::End);
    channel.send(end);
    end_cases(console_results);
}
