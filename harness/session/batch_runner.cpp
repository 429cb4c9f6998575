// A case batch over as many VMs as it takes: what the executor's frames mean for each case, which
// case a crash or hang is blamed on, and where the next VM resumes. Watching a VM is the one VM
// monitor's job (vm/monitor.h); console parsing and verdicts stay in their own rooms.
#include "harness/common/files.h"
#include "harness/session/batch_runner.h"

#include <sys/wait.h>

#include <cstdlib>
#include <map>

#include "harness/host/child.h"
#include "harness/host/file_tail.h"
#include "harness/protocol/frame_types.h"
#include "harness/session/guest_observation.h"
#include "harness/vm/monitor.h"

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
    if (!hc.conf_reason.empty() &&
        (j.verdict == verdict::Verdict::Ran || j.verdict == verdict::Verdict::Pass || j.verdict == verdict::Verdict::Fail)) {
        j.verdict = verdict::Verdict::Conf;
        j.reason = hc.conf_reason;
    }
    return j;
}

// One batch in progress: the cases' outcomes so far and where the next VM starts.
class BatchRun {
public:
    BatchRun(const PreparedBatch& batch, const RunnerOptions& opt)
        : batch_(batch), opt_(opt), n_(static_cast<int>(batch.cases.size())), reported_(batch.cases.size(), false) {}
    Expected<BatchStats> run();

private:
    // What one VM did: the case it was in when it ended, a held (poisoned) result, the console.
    struct VmRun {
        int index = 0;
        vm::VmConfig config;
        std::filesystem::path qemu_log;
        bool ended = false;  // the executor sent `end`: every case ran
        bool results_seen = false;
        int current = -1;  // case started but not finished
        Clock::time_point current_start;
        std::optional<CaseOutcome> held;  // a poisoned case waits for the console evidence
        std::string vm_event;  // for the case in flight: "died", "hung", "no-boot", "flood", "idle"
        vm::MonitorResult monitor;
    };
    enum class Next { Go, Stop };

    const HostCase& host_case(int idx) const { return batch_.cases[static_cast<size_t>(idx)]; }
    void progress(const std::string& s) const {
        if (opt_.on_progress) opt_.on_progress(s);
    }
    bool interrupted() const { return opt_.interrupted && opt_.interrupted->load(); }
    bool must_stop() {
        if (stats_.stopped.empty() && opt_.stop_check) stats_.stopped = opt_.stop_check();
        return !stats_.stopped.empty();
    }
    // Exactly one outcome per case, whatever frames arrive (a replayed or forged frame is ignored).
    void emit(const CaseOutcome& co) {
        if (co.idx < 0 || co.idx >= n_ || reported_[static_cast<size_t>(co.idx)]) return;
        reported_[static_cast<size_t>(co.idx)] = true;
        if (opt_.on_case) opt_.on_case(co);
    }
    CaseOutcome outcome_for(int idx, const VmRun& v) const {
        CaseOutcome co;
        co.idx = idx;
        co.id = host_case(idx).guest.id;
        co.vm_index = v.index;
        co.console_log = v.config.console_log;
        return co;
    }
    Expected<VmRun> boot_and_watch(int vm_index);
    void on_frame(VmRun& v, const vm::GuestFrame& f);
    Next after_vm(VmRun& v);
    Next blame_case_in_flight(VmRun& v, const std::vector<kernel_log::CrashReport>& crashes, const std::string& console);
    Next no_result_from_vm(VmRun& v, const std::vector<kernel_log::CrashReport>& crashes, const std::string& console);

    const PreparedBatch& batch_;
    const RunnerOptions& opt_;
    const int n_;
    BatchStats stats_;
    int next_ = 0;
    int consecutive_failures_ = 0;
    std::map<int, int> qemu_retries_;  // case idx -> times QEMU was killed from outside during it
    std::vector<bool> reported_;
};

void BatchRun::on_frame(VmRun& v, const vm::GuestFrame& f) {
    if (!stats_.stopped.empty()) return;  // frames after a stop are left for --resume
    const KvRecord& rec = f.record;
    const auto type = protocol::frame_type(rec);
    if (type == protocol::FrameType::Start) {
        v.current = std::atoi(rec.get_or("idx", "-1").c_str());
        v.current_start = Clock::now();
    } else if (type == protocol::FrameType::Result) {
        int idx = std::atoi(rec.get_or("idx", "-1").c_str());
        if (idx < 0 || idx >= n_) return;
        if (!v.results_seen && stats_.first_result_seconds < 0) stats_.first_result_seconds = f.host_seconds;
        v.results_seen = true;
        CaseOutcome co = outcome_for(idx, v);
        co.guest = rec;
        co.observation = observation_from_record(rec);
        v.current = -1;
        next_ = idx + 1;
        if (rec.get("poisoned") == "1") {
            v.held = co;
        } else {
            co.judgement = judge_case(host_case(idx), co.observation);
            emit(co);
            must_stop();
        }
    } else if (type == protocol::FrameType::End) {
        v.ended = true;
    } else if (type == protocol::FrameType::Error) {
        progress("guest error: " + rec.get_or("message", "?"));
    }
}

Expected<BatchRun::VmRun> BatchRun::boot_and_watch(int vm_index) {
    VmRun v;
    v.index = vm_index;
    v.config = opt_.vm;
    v.config.initrd = batch_.initrd;
    v.config.console_log = opt_.work_dir / ("console-" + std::to_string(vm_index) + ".log");
    v.config.results_file = opt_.work_dir / ("results-" + std::to_string(vm_index) + ".bin");
    std::error_code ec;
    std::filesystem::remove(v.config.results_file, ec);
    vm::GuestCmdline cl = opt_.cmdline;
    cl.token = batch_.token;
    cl.start_case = next_;
    v.config.append = vm::guest_cmdline(cl);
    v.qemu_log = opt_.work_dir / ("qemu-" + std::to_string(vm_index) + ".log");

    vm::MonitorOptions mo;
    mo.vm = v.config;
    mo.qemu_log = v.qemu_log;
    mo.boot_timeout = opt_.boot_timeout;
    mo.idle_timeout = opt_.idle_timeout;
    mo.crash_grace = opt_.crash_grace;
    mo.max_console_bytes = opt_.max_console_bytes;
    mo.check_interval = opt_.stop_check_interval;
    mo.interrupted = opt_.interrupted;
    mo.on_frame = [&](const vm::GuestFrame& f) { on_frame(v, f); };
    mo.periodic = [&] { must_stop(); };
    // Stuck between cases (e.g. unloading): no case to blame, the next VM resumes.
    mo.idle_applies = [&] { return v.current < 0; };
    mo.stop_now = [&] {
        if (!stats_.stopped.empty()) return true;
        if (v.current < 0) return false;
        auto limit = std::chrono::milliseconds(host_case(v.current).guest.timeout_ms) + opt_.case_grace;
        if (Clock::now() - v.current_start <= limit) return false;
        v.vm_event = "hung";
        return true;
    };
    if (stats_.vms > 1) progress("VM " + std::to_string(vm_index) + ": resuming at case " + std::to_string(next_));
    auto m = vm::monitor_vm(mo);
    if (!m) return m.error();
    v.monitor = *m;
    switch (m->end) {
        case vm::VmEnd::Crash:
            if (v.vm_event.empty()) v.vm_event = "died";
            break;
        case vm::VmEnd::NoBoot: v.vm_event = "no-boot"; break;
        case vm::VmEnd::Idle: v.vm_event = "idle"; break;
        case vm::VmEnd::Flood: v.vm_event = "flood"; break;
        default: break;
    }
    stats_.bad_frames += m->bad_frames;
    return v;
}

// The VM ended: judge a held result with the console's evidence, blame the case in flight, or
// count a VM that gave nothing. Go: boot the next VM at next_; Stop: the batch is over.
BatchRun::Next BatchRun::after_vm(VmRun& v) {
    if (!stats_.stopped.empty()) return Next::Stop;  // nothing more is reported, not even a held result
    if (interrupted()) {
        stats_.interrupted = true;
        // A held result is real data: keep it, judged without console evidence.
        if (v.held) {
            v.held->judgement = judge_case(host_case(v.held->idx), v.held->observation);
            emit(*v.held);
        }
        return Next::Stop;
    }
    std::string console = read_text_file(v.config.console_log).value_or("");
    auto crashes = kernel_log::parse_console(console);
    if (v.held) {
        v.held->observation.crashes = crashes;
        v.held->console_excerpt = excerpt_of(crashes, console);
        v.held->judgement = judge_case(host_case(v.held->idx), v.held->observation);
        if (v.held->judgement.verdict == verdict::Verdict::Kernel) ++stats_.kernel_events;
        emit(*v.held);
    }
    if (v.ended) {
        consecutive_failures_ = 0;
        next_ = n_;
        return Next::Stop;
    }
    if (v.current >= 0) return blame_case_in_flight(v, crashes, console);
    if (v.held || v.results_seen) {
        consecutive_failures_ = 0;
        return Next::Go;  // poisoned and rebooted on purpose: resume at next_
    }
    return no_result_from_vm(v, crashes, console);
}

BatchRun::Next BatchRun::blame_case_in_flight(VmRun& v, const std::vector<kernel_log::CrashReport>& crashes, const std::string& console) {
    const auto& status = v.monitor.wait_status;
    // QEMU killed by someone else (OOM killer, an operator): not the kernel's doing. Run the
    // case again in a fresh VM once; a second time it is BROK, never KERNEL.
    if (!v.monitor.killed_by_us && status && WIFSIGNALED(*status)) {
        int& tries = qemu_retries_[v.current];
        if (++tries <= 1) {
            progress("QEMU was killed (" + host::describe_wait_status(*status) + ") during case " + host_case(v.current).guest.id +
                     ": running it again in a fresh VM");
            next_ = v.current;
            return Next::Go;
        }
        CaseOutcome co = outcome_for(v.current, v);
        co.judgement.verdict = verdict::Verdict::Brok;
        co.judgement.reason = "QEMU was killed twice during this case (" + host::describe_wait_status(*status) + ")";
        emit(co);
        next_ = v.current + 1;
        return Next::Go;
    }
    // The VM crashed or hung inside this case: it is the one to blame.
    CaseOutcome co = outcome_for(v.current, v);
    co.observation.vm_event = v.vm_event.empty() ? "died" : v.vm_event;
    co.observation.crashes = crashes;
    co.console_excerpt = excerpt_of(crashes, console);
    co.judgement = judge_case(host_case(v.current), co.observation);
    ++stats_.kernel_events;
    emit(co);
    next_ = v.current + 1;
    consecutive_failures_ = 0;
    progress("case " + co.id + ": " + co.judgement.reason + " — restarting the VM");
    return Next::Go;
}

BatchRun::Next BatchRun::no_result_from_vm(VmRun& v, const std::vector<kernel_log::CrashReport>& crashes, const std::string& console) {
    ++stats_.boot_failures;
    ++consecutive_failures_;
    std::string qemu_text = read_text_file(v.qemu_log).value_or("");
    progress("VM " + std::to_string(v.index) + " produced no result (" +
             (v.vm_event.empty() ? host::describe_wait_status(v.monitor.wait_status.value_or(0)) : v.vm_event) + ")" +
             (qemu_text.empty() ? "" : ": " + qemu_text.substr(0, 400)));
    if (consecutive_failures_ < opt_.max_boot_failures) return Next::Go;
    for (int i = next_; i < n_; ++i) {
        const auto& c = host_case(i);
        if (!c.skip_reason.empty() || c.recorded) continue;  // reported elsewhere
        CaseOutcome co = outcome_for(i, v);
        co.observation.vm_event = "no-boot";
        co.console_excerpt = excerpt_of(crashes, console + qemu_text);
        co.judgement = judge_case(c, co.observation);
        emit(co);
    }
    next_ = n_;
    return Next::Stop;
}

Expected<BatchStats> BatchRun::run() {
    auto batch_start = Clock::now();
    std::error_code ec;
    std::filesystem::create_directories(opt_.work_dir, ec);
    while (next_ < n_ && !interrupted()) {
        if (must_stop()) break;  // before the boot: a VM whose evidence cannot be kept is not started
        int vm_index = opt_.first_vm_index + stats_.vms++;
        auto v = boot_and_watch(vm_index);
        if (!v) return v.error();
        if (after_vm(*v) == Next::Stop) break;
    }
    stats_.completed = next_ >= n_ && !stats_.interrupted && stats_.stopped.empty();
    stats_.wall_seconds = seconds_since(batch_start);
    return stats_;
}

}  // namespace

Expected<BatchStats> run_batch(const PreparedBatch& batch, const RunnerOptions& opt) { return BatchRun(batch, opt).run(); }

}  // namespace mh::session
