// A case batch over as many VMs as it takes: what the executor's frames mean for each case, which
// case a crash or hang is blamed on, and where the next VM resumes. Watching a VM is the one VM
// monitor's job (vm/monitor.h); console parsing and verdicts stay in their own rooms.
#include "harness/common/files.h"
#include "harness/session/batch_runner.h"

#include <sys/wait.h>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <algorithm>
#include <atomic>

#include "harness/host/child.h"
#include "harness/host/file_tail.h"
#include "harness/protocol/frame_types.h"
#include "harness/protocol/go_record.h"
#include "harness/session/case_input.h"
#include "harness/session/guest_observation.h"
#include "harness/vm/guest_token.h"
#include "harness/vm/monitor.h"
#include "harness/vm/snapshot_cache.h"

namespace mh::session {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string excerpt_of(const std::vector<kernel_log::CrashReport>& crashes, const std::string& console) {
    if (!crashes.empty()) return crashes.front().excerpt;
    // No parsed report: the console tail is the best evidence of what happened.
    return console.size() > 4000 ? console.substr(console.size() - 4000) : console;
}

// Bytes [from, to) of a file, at most `limit` of them (the last ones): the console text between
// two frames without reading the whole log each time.
std::string file_slice(const std::filesystem::path& p, std::uint64_t from, std::uint64_t to, std::uint64_t limit = 4u << 20) {
    if (to <= from) return {};
    if (to - from > limit) from = to - limit;
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    in.seekg(static_cast<std::streamoff>(from));
    std::string out(static_cast<size_t>(to - from), '\0');
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return out;
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
    // A lane runs the main pass over cases [begin, end); lanes of one batch run side by side,
    // restore VMs from one shared snapshot (`shared`, may be null) and number VMs from one counter.
    struct Lane {
        int begin = 0;
        int end = -1;  // -1: to the batch's end
        std::atomic<int>* vm_counter = nullptr;
        const vm::GuestSnapshot* shared = nullptr;
        bool parallel = false;
    };
    BatchRun(const PreparedBatch& batch, const RunnerOptions& opt, Lane lane)
        : batch_(batch), opt_(opt), n_(static_cast<int>(batch.cases.size())), reported_(batch.cases.size(), false), lane_(lane) {
        if (lane_.end < 0) lane_.end = n_;
        snap_ = lane_.shared;
    }
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
        int stop = -1;  // modharness.stop= of this VM (a retry runs one case), -1: to the end
        int expect_from = 0;  // the first case this VM has not reported on yet
        int last_done = -1;  // the case whose result came last, while no case runs since
        std::uint64_t late_from = 0;  // console offset at that result
        // A late report waits for the next case's outcome: the host reads a `start` frame a few
        // milliseconds late, so a report in the window may be that case's own (it then owns it).
        std::optional<SessionEvent> pending_late;
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
    void prepare_snapshot();
    // This VM and the rest of the batch boot cold: `fallback` goes into the stats, `said` into
    // the progress line about VM `vm_index`.
    void drop_snapshot(int vm_index, const std::string& fallback, const std::string& said) {
        stats_.snapshot_fallback = fallback;
        progress("VM " + std::to_string(vm_index) + ": " + said + "; booting cold from now on");
        snap_ = nullptr;
        own_snapshot_.reset();
    }
    void on_frame(VmRun& v, const vm::GuestFrame& f);
    Next after_vm(VmRun& v);
    Next blame_case_in_flight(VmRun& v, const std::vector<kernel_log::CrashReport>& crashes, const std::string& console);
    Next no_result_from_vm(VmRun& v, const std::vector<kernel_log::CrashReport>& crashes, const std::string& console);
    bool runnable(int idx) const {
        const auto& c = host_case(idx);
        return c.skip_reason.empty() && !c.recorded;
    }
    void cases_passed(VmRun& v, int upto);
    void result_lost(VmRun& v, int idx);
    void late_reports(VmRun& v, const std::string& text);
    void settle_late(VmRun& v, bool next_case_is_kernel);
    bool next_window();
    void account_for_rest();

    const PreparedBatch& batch_;
    const RunnerOptions& opt_;
    const int n_;
    BatchStats stats_;
    int next_ = 0;
    int consecutive_failures_ = 0;
    std::map<int, int> qemu_retries_;  // case idx -> times QEMU was killed from outside during it
    std::map<int, int> losses_;  // case idx -> VMs that lost its result
    std::deque<int> retry_;  // cases to run again, each alone in a fresh VM, after the main pass
    int end_ = 0;  // the current pass runs cases [next_, end_): all of them, or one retried case
    std::vector<bool> reported_;
    Lane lane_;
    bool retrying_ = false;  // the current pass runs one case again
    // Reset::Snapshot: the snapshot VMs are restored from (a lane's own, or the lanes' shared
    // one); null once a restore failed or the snapshot went stale and could not be taken again.
    const vm::GuestSnapshot* snap_ = nullptr;
    std::optional<vm::GuestSnapshot> own_snapshot_;
    bool snapshot_tried_ = false;
};

// The guest runs its cases in order: a frame about case `upto` (or the end) means every earlier
// case of this VM is finished, so one without an outcome lost its result frame.
void BatchRun::cases_passed(VmRun& v, int upto) {
    for (int i = std::max(v.expect_from, 0); i < std::min(upto, n_); ++i)
        if (runnable(i) && !reported_[static_cast<size_t>(i)]) result_lost(v, i);
    v.expect_from = std::max(v.expect_from, upto);
}

// First loss: the case runs again alone in a fresh VM after the main pass. Second: BROK.
void BatchRun::result_lost(VmRun& v, int idx) {
    ++stats_.results_lost;
    const std::string& id = host_case(idx).guest.id;
    if (++losses_[idx] <= 1) {
        progress("case " + id + ": result lost (bad or missing result frame): running it again in a fresh VM");
        retry_.push_back(idx);
        return;
    }
    CaseOutcome co = outcome_for(idx, v);
    co.judgement.verdict = verdict::Verdict::Brok;
    co.judgement.reason = "result lost: its result frame was missing or failed its check in two VMs";
    emit(co);
}

// Kernel reports in console text printed while no case ran: session events of the last case.
void BatchRun::late_reports(VmRun& v, const std::string& text) {
    const int after = v.last_done;
    v.last_done = -1;
    if (after < 0 || text.empty()) return;
    auto crashes = kernel_log::parse_console(text);
    if (crashes.empty()) return;
    SessionEvent ev;
    ev.after_idx = after;
    ev.after_id = host_case(after).guest.id;
    ev.vm_index = v.index;
    ev.console_log = v.config.console_log;
    ev.console_excerpt = excerpt_of(crashes, text);
    ev.crashes = std::move(crashes);
    settle_late(v, false);
    v.pending_late = std::move(ev);
}

// The case after a pending late report has its outcome: KERNEL means the report may be its own
// (its verdict already counts it); anything else, the report was printed while no case ran.
void BatchRun::settle_late(VmRun& v, bool next_case_is_kernel) {
    if (!v.pending_late) return;
    SessionEvent ev = std::move(*v.pending_late);
    v.pending_late.reset();
    if (next_case_is_kernel) return;
    ++stats_.kernel_events;
    ++stats_.late_kernel_events;
    progress("kernel report after case " + ev.after_id + " (VM " + std::to_string(v.index) + ", late): " + ev.crashes.front().title);
    if (opt_.on_event) opt_.on_event(ev);
}

void BatchRun::on_frame(VmRun& v, const vm::GuestFrame& f) {
    if (!stats_.stopped.empty()) return;  // frames after a stop are left for --resume
    const KvRecord& rec = f.record;
    const auto type = protocol::frame_type(rec);
    if (type == protocol::FrameType::Start) {
        int idx = std::atoi(rec.get_or("idx", "-1").c_str());
        if (idx < 0 || idx >= n_) return;
        if (v.last_done >= 0) late_reports(v, file_slice(v.config.console_log, v.late_from, f.console_offset));
        cases_passed(v, idx);
        v.current = idx;
        v.current_start = Clock::now();
    } else if (type == protocol::FrameType::Result) {
        int idx = std::atoi(rec.get_or("idx", "-1").c_str());
        if (idx < 0 || idx >= n_) return;
        cases_passed(v, idx);
        v.expect_from = std::max(v.expect_from, idx + 1);
        if (!v.results_seen && stats_.first_result_seconds < 0) stats_.first_result_seconds = f.host_seconds;
        v.results_seen = true;
        CaseOutcome co = outcome_for(idx, v);
        co.guest = rec;
        co.observation = observation_from_record(rec);
        // A guest that passed another length than the host resolved did not run the input the
        // record states: BROK, with both values in the record (case_input.h).
        if (auto why = input_echo_mismatch(host_case(idx), rec); !why.empty() && co.observation.setup_error.empty())
            co.observation.setup_error = why;
        v.current = -1;
        next_ = std::max(next_, idx + 1);
        if (rec.get("poisoned") == "1") {
            v.held = co;
        } else {
            co.judgement = judge_case(host_case(idx), co.observation);
            settle_late(v, co.judgement.verdict == verdict::Verdict::Kernel);
            emit(co);
            v.last_done = idx;
            v.late_from = f.console_offset;
            must_stop();
        }
    } else if (type == protocol::FrameType::End) {
        // Every case of this VM ran: one started without a result, or never reported, lost it.
        cases_passed(v, v.stop >= 0 ? v.stop : n_);
        v.current = -1;
        v.ended = true;
    } else if (type == protocol::FrameType::Error) {
        progress("guest error: " + rec.get_or("message", "?"));
    }
}

// Snapshot reset: the batch's guest booted once to the executor's ready point and saved. Any
// failure is said (and kept in the stats) and the caller boots cold instead.
std::optional<vm::GuestSnapshot> take_batch_snapshot(const PreparedBatch& batch, const RunnerOptions& opt, BatchStats& stats,
                                                     bool may_use_cache) {
    auto progress = [&](const std::string& s) {
        if (opt.on_progress) opt.on_progress(s);
    };
    vm::SnapshotOptions so;
    so.vm = opt.vm;
    so.vm.initrd = batch.initrd;
    so.vm.console_log = opt.work_dir / "console-snapshot.log";
    so.vm.results_file = opt.work_dir / "results-snapshot.bin";
    vm::GuestCmdline cl = opt.cmdline;
    cl.token = batch.token;
    cl.start_case = 0;
    cl.stop_case = -1;
    cl.wait_for_go = true;
    so.vm.append = vm::guest_cmdline(cl);
    so.qemu_log = opt.work_dir / "qemu-snapshot.log";
    so.ram_dir = opt.snapshot_ram_dir;
    so.boot_timeout = opt.boot_timeout;
    so.interrupted = opt.interrupted;
    // A snapshot taken again because the one in use went stale is never the cached one.
    const bool cache = !opt.snapshot_cache_dir.empty();
    if (cache && may_use_cache) {
        const auto looked_up = Clock::now();
        auto found = vm::SnapshotCache(opt.snapshot_cache_dir).find(so.vm);
        if (!found) progress("snapshot cache not used: " + found.error().message);
        if (found && *found) {
            stats.snapshot_seconds = seconds_since(looked_up);
            ++stats.snapshots_cached;
            if (opt.after_snapshot) opt.after_snapshot((*found)->state_file());
            progress("snapshot of the ready guest found in the cache (" + (*found)->state_file().parent_path().string() +
                     "); VMs are restored from it");
            return std::move(*found);
        }
    }
    auto snap = vm::take_snapshot(so);
    if (!snap) {
        stats.snapshot_fallback = snap.error().message;
        progress("snapshot reset unavailable, booting VMs cold: " + snap.error().message);
        return std::nullopt;
    }
    stats.snapshot_seconds = snap->take_seconds();
    ++stats.snapshots;
    progress("snapshot of the ready guest taken in " + std::to_string(snap->take_seconds()).substr(0, 4) + " s; VMs are restored from it");
    if (cache) {
        const auto storing = Clock::now();
        if (auto kept = vm::SnapshotCache(opt.snapshot_cache_dir).store(*snap); !kept)
            progress("snapshot not kept for later runs: " + kept.error().message);
        else
            progress("snapshot kept for later runs in " + kept->string() + " (" + std::to_string(seconds_since(storing)).substr(0, 4) +
                     " s)");
    }
    if (opt.after_snapshot) opt.after_snapshot(snap->state_file());
    return std::optional<vm::GuestSnapshot>(std::move(*snap));
}

// Before each VM: a stale snapshot is taken again (by a lane of its own) or given up (a lane
// sharing one), and a lane of its own takes its first one here.
void BatchRun::prepare_snapshot() {
    if (opt_.reset != Reset::Snapshot || opt_.monitor) return;
    vm::VmConfig current = opt_.vm;
    current.initrd = batch_.initrd;
    if (snap_) {
        const std::string stale = snap_->stale_reason(current);
        if (stale.empty()) return;
        snap_ = nullptr;
        own_snapshot_.reset();
        if (lane_.parallel) {
            stats_.snapshot_fallback = "snapshot stale (" + stale + ")";
            progress("snapshot is stale (" + stale + "): this lane boots cold from now on");
            return;
        }
        progress("snapshot is stale (" + stale + "): taking it again");
        snapshot_tried_ = false;
    }
    if (snapshot_tried_ || lane_.parallel) return;
    snapshot_tried_ = true;
    if (auto taken = take_batch_snapshot(batch_, opt_, stats_, stats_.snapshots + stats_.snapshots_cached == 0)) {
        own_snapshot_.emplace(std::move(*taken));
        snap_ = &*own_snapshot_;
    }
}

Expected<BatchRun::VmRun> BatchRun::boot_and_watch(int vm_index) {
    prepare_snapshot();
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
    cl.stop_case = end_ < n_ ? end_ : -1;
    v.stop = cl.stop_case;
    v.expect_from = next_;
    v.config.append = vm::guest_cmdline(cl);
    v.qemu_log = opt_.work_dir / ("qemu-" + std::to_string(vm_index) + ".log");

    vm::MonitorOptions mo;
    mo.vm = v.config;
    mo.qemu_log = v.qemu_log;
    mo.boot_timeout = opt_.boot_timeout;
    mo.idle_timeout = opt_.idle_timeout;
    mo.crash_grace = opt_.crash_grace;
    mo.crash_quiet = opt_.crash_quiet;
    mo.max_console_bytes = opt_.max_console_bytes;
    mo.check_interval = opt_.stop_check_interval;
    mo.interrupted = opt_.interrupted;
    mo.on_frame = [&](const vm::GuestFrame& f) { on_frame(v, f); };
    mo.tamper_results = opt_.tamper_results;
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
    if (retrying_)
        progress("VM " + std::to_string(vm_index) + ": running case " + host_case(next_).guest.id + " again");
    else if (stats_.vms > 1)
        progress("VM " + std::to_string(vm_index) + ": resuming at case " + std::to_string(next_));
    // A fresh seed for each restored guest's entropy pool; without one the VM boots cold (a
    // restored guest would otherwise share the snapshot's pool state with its siblings).
    std::string seed;
    if (snap_) {
        if (auto fresh = vm::random_hex(protocol::kGoSeedBytes, "restored guest's entropy seed"))
            seed = *fresh;
        else
            drop_snapshot(vm_index, fresh.error().message, fresh.error().message);
    }
    if (snap_) {
        mo.restore_from = snap_;
        mo.go_line = protocol::format_go({cl.start_case, cl.stop_case, batch_.token, seed});
        // A restore that works says hello within a second; one that does not is given up early.
        mo.boot_timeout = std::min(opt_.boot_timeout, std::chrono::seconds(20));
    }
    auto m = opt_.monitor ? opt_.monitor(mo) : vm::monitor_vm(mo);
    if (!m) return m.error();
    if (snap_ && !m->booted && (!m->restore_error.empty() || m->end == vm::VmEnd::NoBoot)) {
        // Nothing ran in it: drop the snapshot and boot this VM (and the rest) cold.
        const std::string why = m->restore_error.empty() ? "the restored guest did not answer" : m->restore_error;
        const bool cached = snap_->from_cache();
        if (cached) vm::SnapshotCache(opt_.snapshot_cache_dir).forget(*snap_);
        drop_snapshot(vm_index, "restore failed: " + why, "restore failed (" + why + ")");
        if (cached) progress("the cached snapshot it came from is removed");
        return boot_and_watch(vm_index);
    }
    if (m->restored) ++stats_.vms_restored;
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
        settle_late(v, false);
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
        settle_late(v, v.held->judgement.verdict == verdict::Verdict::Kernel);
        emit(*v.held);
    } else if (v.last_done >= 0) {
        // The VM ended (or was stopped) after a case's result: anything reported since is late.
        late_reports(v, console.substr(std::min<std::size_t>(v.late_from, console.size())));
    }
    if (v.current < 0) settle_late(v, false);  // no case after it: the report is late
    if (v.ended) {
        consecutive_failures_ = 0;
        next_ = end_;
        return Next::Go;  // the next pass, if a case is to be run again
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
        settle_late(v, false);  // not the kernel: a report before it was late
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
    settle_late(v, co.judgement.verdict == verdict::Verdict::Kernel);
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
    // VMs do not boot any more: every case still without an outcome, retries included, is no-boot.
    std::vector<int> rest(retry_.begin(), retry_.end());
    retry_.clear();
    for (int i = next_; i < end_; ++i) rest.push_back(i);
    for (int i : rest) {
        if (!runnable(i) || reported_[static_cast<size_t>(i)]) continue;  // reported elsewhere
        const auto& c = host_case(i);
        CaseOutcome co = outcome_for(i, v);
        co.observation.vm_event = "no-boot";
        co.console_excerpt = excerpt_of(crashes, console + qemu_text);
        co.judgement = judge_case(c, co.observation);
        emit(co);
    }
    next_ = end_;
    return Next::Stop;
}

// The main pass is over: the next case to run again alone, if any.
bool BatchRun::next_window() {
    if (retry_.empty()) return false;
    next_ = retry_.front();
    retry_.pop_front();
    end_ = next_ + 1;
    retrying_ = true;
    return true;
}

// Never a silent gap: a case the guest should have run that has no outcome at the end of a
// complete batch is BROK "result lost" (the checks above should have caught it already).
void BatchRun::account_for_rest() {
    VmRun none;
    for (int i = lane_.begin; i < lane_.end; ++i) {
        if (!runnable(i) || reported_[static_cast<size_t>(i)]) continue;
        CaseOutcome co = outcome_for(i, none);
        co.judgement.verdict = verdict::Verdict::Brok;
        co.judgement.reason = "result lost: no result frame arrived for this case";
        ++stats_.results_lost;
        emit(co);
    }
}

Expected<BatchStats> BatchRun::run() {
    auto batch_start = Clock::now();
    std::error_code ec;
    std::filesystem::create_directories(opt_.work_dir, ec);
    next_ = lane_.begin;
    end_ = lane_.end;
    while (!interrupted()) {
        if (next_ >= end_ && !next_window()) break;
        if (must_stop()) break;  // before the boot: a VM whose evidence cannot be kept is not started
        ++stats_.vms;
        int vm_index = opt_.first_vm_index + (lane_.vm_counter ? (*lane_.vm_counter)++ : stats_.vms - 1);
        auto v = boot_and_watch(vm_index);
        if (!v) return v.error();
        if (after_vm(*v) == Next::Stop) break;
    }
    stats_.completed = next_ >= end_ && retry_.empty() && !stats_.interrupted && stats_.stopped.empty() && !interrupted();
    if (stats_.completed) account_for_rest();
    stats_.wall_seconds = seconds_since(batch_start);
    return stats_;
}

}  // namespace

std::string_view reset_name(Reset r) { return r == Reset::Snapshot ? "snapshot" : "boot"; }

namespace {

// The lanes' stats as one batch's: counts summed, the first result the earliest.
BatchStats merge_lane_stats(BatchStats total, const std::vector<BatchStats>& lanes) {
    total.completed = true;
    for (const auto& l : lanes) {
        total.vms += l.vms;
        total.boot_failures += l.boot_failures;
        total.kernel_events += l.kernel_events;
        total.late_kernel_events += l.late_kernel_events;
        total.results_lost += l.results_lost;
        total.bad_frames += l.bad_frames;
        total.vms_restored += l.vms_restored;
        total.snapshots += l.snapshots;
        total.snapshots_cached += l.snapshots_cached;
        if (l.first_result_seconds >= 0 && (total.first_result_seconds < 0 || l.first_result_seconds < total.first_result_seconds))
            total.first_result_seconds = l.first_result_seconds;
        total.interrupted |= l.interrupted;
        if (total.stopped.empty()) total.stopped = l.stopped;
        if (total.snapshot_fallback.empty()) total.snapshot_fallback = l.snapshot_fallback;
        total.completed &= l.completed;
    }
    return total;
}

}  // namespace

Expected<BatchStats> run_batch(const PreparedBatch& batch, const RunnerOptions& opt) {
    // Lanes split the cases to run into contiguous runs of equal length.
    std::vector<int> runnable;
    for (const auto& c : batch.cases)
        if (c.skip_reason.empty() && !c.recorded) runnable.push_back(c.guest.idx);
    const int lanes = std::clamp(opt.parallel_vms, 1, std::max<int>(1, static_cast<int>(runnable.size())));
    if (lanes == 1) return BatchRun(batch, opt, {}).run();

    const auto batch_start = Clock::now();
    BatchStats total;
    std::optional<vm::GuestSnapshot> snapshot;
    if (opt.reset == Reset::Snapshot && !opt.monitor) {
        if (auto taken = take_batch_snapshot(batch, opt, total, true)) snapshot.emplace(std::move(*taken));
    }
    // The caller's callbacks see one lane at a time, as they would one sequential batch.
    std::mutex mu;
    RunnerOptions shared = opt;
    auto locked = [&mu](auto fn) {
        return [&mu, fn](auto&&... a) {
            std::lock_guard<std::mutex> g(mu);
            return fn(std::forward<decltype(a)>(a)...);
        };
    };
    if (opt.on_case) shared.on_case = locked(opt.on_case);
    if (opt.on_event) shared.on_event = locked(opt.on_event);
    if (opt.on_progress) shared.on_progress = locked(opt.on_progress);
    if (opt.stop_check) shared.stop_check = locked(opt.stop_check);
    std::atomic<int> vm_counter{0};
    std::vector<Expected<BatchStats>> results(static_cast<size_t>(lanes), Expected<BatchStats>(BatchStats{}));
    std::vector<std::thread> threads;
    for (int l = 0; l < lanes; ++l) {
        BatchRun::Lane lane;
        lane.begin = l == 0 ? 0 : runnable[runnable.size() * static_cast<size_t>(l) / static_cast<size_t>(lanes)];
        lane.end = l + 1 == lanes ? -1 : runnable[runnable.size() * static_cast<size_t>(l + 1) / static_cast<size_t>(lanes)];
        lane.vm_counter = &vm_counter;
        lane.shared = snapshot ? &*snapshot : nullptr;
        lane.parallel = true;
        threads.emplace_back([&, l, lane] { results[static_cast<size_t>(l)] = BatchRun(batch, shared, lane).run(); });
    }
    for (auto& t : threads) t.join();
    std::vector<BatchStats> lane_stats;
    for (auto& r : results) {
        if (!r) return r.error();
        lane_stats.push_back(*r);
    }
    total = merge_lane_stats(total, lane_stats);
    total.wall_seconds = seconds_since(batch_start);
    return total;
}

}  // namespace mh::session
