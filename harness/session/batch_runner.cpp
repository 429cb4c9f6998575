// The VM monitor loop. VM control (VmProcess), console parsing (report) and verdicts (report/verdict)
// stay in their own files; this file only joins them over time.
#include "harness/session/batch_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "harness/protocol/frame.h"
#include "harness/vm/crash_watch.h"
#include "harness/host/file_tail.h"
#include "harness/session/guest_observation.h"
#include "harness/vm/vm_process.h"
#include "harness/protocol/frame_types.h"

namespace mh::session {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }


std::string excerpt_of(const std::vector<kernel_log::CrashReport>& crashes, const std::string& console) {
    if (!crashes.empty()) return crashes.front().excerpt;
    // No parsed report: the console tail is the best evidence of what happened.
    return console.size() > 4000 ? console.substr(console.size() - 4000) : console;
}

verdict::Judgement judge_case(const HostCase& hc, const verdict::Observation& o) {
    auto j = verdict::judge(o, hc.expect);
    if (!hc.conf_reason.empty() && (j.verdict == verdict::Verdict::Ran || j.verdict == verdict::Verdict::Pass ||
                                     j.verdict == verdict::Verdict::Fail)) {
        j.verdict = verdict::Verdict::Conf;
        j.reason = hc.conf_reason;
    }
    return j;
}

}  // namespace

Expected<BatchStats> run_batch(const PreparedBatch& batch, const RunnerOptions& opt) {
    BatchStats stats;
    auto batch_start = Clock::now();
    const int n = static_cast<int>(batch.cases.size());
    int next = 0;
    int consecutive_failures = 0;
    std::map<int, int> qemu_retries;  // case idx -> times QEMU was killed from outside during it
    // Exactly one outcome per case, whatever frames arrive (a replayed or forged frame is ignored).
    std::vector<bool> reported(static_cast<size_t>(n), false);
    auto emit = [&](const CaseOutcome& co) {
        if (co.idx < 0 || co.idx >= n || reported[static_cast<size_t>(co.idx)]) return;
        reported[static_cast<size_t>(co.idx)] = true;
        if (opt.on_case) opt.on_case(co);
    };
    std::error_code ec;
    std::filesystem::create_directories(opt.work_dir, ec);
    auto progress = [&](const std::string& s) {
        if (opt.on_progress) opt.on_progress(s);
    };
    auto interrupted = [&] { return opt.interrupted && opt.interrupted->load(); };
    auto must_stop = [&] {
        if (stats.stopped.empty() && opt.stop_check) stats.stopped = opt.stop_check();
        return !stats.stopped.empty();
    };

    while (next < n && !interrupted()) {
        if (must_stop()) break;  // before the boot: a VM whose evidence cannot be kept is not started
        int vm_index = opt.first_vm_index + stats.vms++;
        vm::VmConfig vm = opt.vm;
        vm.initrd = batch.initrd;
        vm.console_log = opt.work_dir / ("console-" + std::to_string(vm_index) + ".log");
        vm.results_file = opt.work_dir / ("results-" + std::to_string(vm_index) + ".bin");
        std::filesystem::remove(vm.results_file, ec);
        vm::GuestCmdline cl = opt.cmdline;
        cl.token = batch.token;
        cl.start_case = next;
        vm.append = vm::guest_cmdline(cl);
        auto qemu_log = opt.work_dir / ("qemu-" + std::to_string(vm_index) + ".log");
        auto vm_start = Clock::now();
        auto proc = vm::VmProcess::start(vm::qemu_argv(vm), qemu_log);
        if (!proc) return proc.error();
        if (stats.vms > 1) progress("VM " + std::to_string(vm_index) + ": resuming at case " + std::to_string(next));

        host::FileTail results(vm.results_file);
        vm::ConsoleCrashWatch crash_watch(vm.console_log);
        protocol::FrameDecoder decoder;
        bool booted = false, ended = false, results_seen = false;
        int current = -1;  // case started but not finished
        auto current_start = Clock::now();
        std::optional<CaseOutcome> held;  // a poisoned case waits for the console evidence
        std::string vm_event;
        auto last_frame = Clock::now();

        auto handle = [&](const std::string& payload) {
            if (!stats.stopped.empty()) return;  // frames after a stop are left for --resume
            last_frame = Clock::now();
            auto rec = kv_parse(payload);
            if (!rec) return;
            const auto type = protocol::frame_type(*rec);
            if (type == protocol::FrameType::Hello) {
                booted = true;
            } else if (type == protocol::FrameType::Start) {
                current = std::atoi(rec->get_or("idx", "-1").c_str());
                current_start = Clock::now();
            } else if (type == protocol::FrameType::Result) {
                int idx = std::atoi(rec->get_or("idx", "-1").c_str());
                if (idx < 0 || idx >= n) return;
                if (!results_seen && stats.first_result_seconds < 0) stats.first_result_seconds = seconds_since(vm_start);
                results_seen = true;
                CaseOutcome co;
                co.idx = idx;
                co.id = batch.cases[static_cast<size_t>(idx)].guest.id;
                co.guest = *rec;
                co.observation = observation_from_record(*rec);
                co.vm_index = vm_index;
                co.console_log = vm.console_log;
                current = -1;
                next = idx + 1;
                if (rec->get("poisoned") == "1") {
                    held = co;
                } else {
                    co.judgement = judge_case(batch.cases[static_cast<size_t>(idx)], co.observation);
                    emit(co);
                    must_stop();
                }
            } else if (type == protocol::FrameType::End) {
                ended = true;
            } else if (type == protocol::FrameType::Error) {
                progress("guest error: " + rec->get_or("message", "?"));
            }
        };

        std::optional<int> status;
        bool killed_by_us = false;
        auto kill_vm = [&] {
            killed_by_us = true;
            proc->kill();
        };
        auto last_stop_check = Clock::now();
        while (!(status = proc->poll())) {
            for (auto& p : decoder.feed(results.read_new())) handle(p);
            if (Clock::now() - last_stop_check >= opt.stop_check_interval) {
                last_stop_check = Clock::now();
                must_stop();
                std::error_code size_ec;
                auto console_bytes = std::filesystem::file_size(vm.console_log, size_ec);
                if (!size_ec && console_bytes > opt.max_console_bytes) {
                    vm_event = "flood";
                    kill_vm();
                    break;
                }
            }
            if (!stats.stopped.empty()) {
                kill_vm();
                break;
            }
            // Watch the console live: a guest stuck in an oops loop (or holding a lock after a BUG)
            // would otherwise cost the whole case timeout and flood the log.
            if (crash_watch.overdue(opt.crash_grace)) {
                if (vm_event.empty()) vm_event = "died";
                kill_vm();
                break;
            }
            if (interrupted()) {
                kill_vm();
                break;
            }
            if (!booted && Clock::now() - vm_start > opt.boot_timeout) {
                vm_event = "no-boot";
                kill_vm();
                break;
            }
            if (current >= 0) {
                const auto& gc = batch.cases[static_cast<size_t>(current)].guest;
                auto limit = std::chrono::milliseconds(gc.timeout_ms) + opt.case_grace;
                if (Clock::now() - current_start > limit) {
                    vm_event = "hung";
                    kill_vm();
                    break;
                }
            } else if (booted && Clock::now() - last_frame > opt.idle_timeout) {
                // Stuck between cases (e.g. unloading): no case to blame, the next VM resumes.
                vm_event = "idle";
                kill_vm();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        // Whatever the guest managed to send before the end still counts.
        for (auto& p : decoder.feed(results.read_new())) handle(p);
        stats.bad_frames += decoder.bad_frames();
        if (!stats.stopped.empty()) {
            // Nothing more is reported, not even a held result: it could not be stored, and
            // --resume runs every case without a record again.
            proc->kill();
            break;
        }
        if (interrupted()) {
            stats.interrupted = true;
            // A held result is real data: keep it, judged without console evidence.
            if (held) {
                held->judgement = judge_case(batch.cases[static_cast<size_t>(held->idx)], held->observation);
                emit(*held);
            }
            break;
        }

        std::string console = host::read_whole_file(vm.console_log);
        auto crashes = kernel_log::parse_console(console);
        if (held) {
            held->observation.crashes = crashes;
            held->console_excerpt = excerpt_of(crashes, console);
            held->judgement = judge_case(batch.cases[static_cast<size_t>(held->idx)], held->observation);
            if (held->judgement.verdict == verdict::Verdict::Kernel) ++stats.kernel_events;
            emit(*held);
        }
        if (ended) {
            consecutive_failures = 0;
            next = n;
            break;
        }
        // QEMU killed by someone else (OOM killer, an operator): not the kernel's doing. Run the
        // case again in a fresh VM once; a second time it is BROK, never KERNEL.
        bool qemu_killed = !killed_by_us && status && WIFSIGNALED(*status);
        if (qemu_killed && current >= 0) {
            int& tries = qemu_retries[current];
            if (++tries <= 1) {
                progress("QEMU was killed (" + host::describe_wait_status(*status) + ") during case " +
                         batch.cases[static_cast<size_t>(current)].guest.id + ": running it again in a fresh VM");
                next = current;
                continue;
            }
            CaseOutcome co;
            co.idx = current;
            co.id = batch.cases[static_cast<size_t>(current)].guest.id;
            co.vm_index = vm_index;
            co.console_log = vm.console_log;
            co.judgement.verdict = verdict::Verdict::Brok;
            co.judgement.reason = "QEMU was killed twice during this case (" + host::describe_wait_status(*status) + ")";
            emit(co);
            next = current + 1;
            continue;
        }
        if (current >= 0) {
            // The VM crashed or hung inside this case: it is the one to blame.
            CaseOutcome co;
            co.idx = current;
            co.id = batch.cases[static_cast<size_t>(current)].guest.id;
            co.vm_index = vm_index;
            co.console_log = vm.console_log;
            co.observation.vm_event = vm_event.empty() ? "died" : vm_event;
            co.observation.crashes = crashes;
            co.console_excerpt = excerpt_of(crashes, console);
            co.judgement = judge_case(batch.cases[static_cast<size_t>(current)], co.observation);
            ++stats.kernel_events;
            emit(co);
            next = current + 1;
            consecutive_failures = 0;
            progress("case " + co.id + ": " + co.judgement.reason + " — restarting the VM");
            continue;
        }
        if (held || results_seen) {
            consecutive_failures = 0;
            continue;  // poisoned and rebooted on purpose: resume at `next`
        }
        // Nothing at all from this VM.
        ++stats.boot_failures;
        ++consecutive_failures;
        std::string qemu_text = host::read_whole_file(qemu_log);
        progress("VM " + std::to_string(vm_index) + " produced no result (" +
                 (vm_event.empty() ? host::describe_wait_status(status.value_or(0)) : vm_event) + ")" +
                 (qemu_text.empty() ? "" : ": " + qemu_text.substr(0, 400)));
        if (consecutive_failures >= opt.max_boot_failures) {
            for (int i = next; i < n; ++i) {
                const auto& c = batch.cases[static_cast<size_t>(i)];
                if (!c.skip_reason.empty() || c.recorded) continue;  // reported elsewhere
                CaseOutcome co;
                co.idx = i;
                co.id = batch.cases[static_cast<size_t>(i)].guest.id;
                co.vm_index = vm_index;
                co.console_log = vm.console_log;
                co.observation.vm_event = "no-boot";
                co.console_excerpt = excerpt_of(crashes, console + qemu_text);
                co.judgement = judge_case(batch.cases[static_cast<size_t>(i)], co.observation);
                emit(co);
            }
            next = n;
            break;
        }
    }
    stats.completed = next >= n && !stats.interrupted && stats.stopped.empty();
    stats.wall_seconds = seconds_since(batch_start);
    return stats;
}

}  // namespace mh::session
