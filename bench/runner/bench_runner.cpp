// The bench run: per kernel one initrd, plan.repeat VMs (bounded boot retries), frames collected into
// GuestRuns, then the report and command.txt. Work files go unless --keep-work.
#include "bench/runner/bench_runner.h"

#include <cstdarg>
#include <cstdio>
#include <ctime>

#include "bench/report/bench_report.h"
#include "bench/runner/bench_frames.h"
#include "bench/runner/bench_initrd.h"
#include "bench/runner/host_notes.h"
#include "harness/common/files.h"
#include "harness/host/output_lock.h"
#include "harness/kernels/seed_modules.h"
#include "harness/protocol/frame_types.h"
#include "harness/session/accel_probe.h"
#include "harness/session/batch_builder.h"
#include "harness/session/run_session.h"
#include "harness/vm/guest_program.h"
#include "harness/vm/guest_token.h"

namespace mh::bench {
namespace {

namespace fs = std::filesystem;

// A progress line, formatted as the command always printed it (any length).
__attribute__((format(printf, 1, 2))) std::string line(const char* format, ...) {
    va_list ap, again;
    va_start(ap, format);
    va_copy(again, ap);
    const int n = std::vsnprintf(nullptr, 0, format, ap);
    va_end(ap);
    std::string out(n > 0 ? static_cast<size_t>(n) : 0, '\0');
    if (n > 0) std::vsnprintf(out.data(), out.size() + 1, format, again);
    va_end(again);
    return out;
}

std::string utc_stamp(const char* format) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

// What every VM of one kernel shares.
struct KernelJob {
    const BenchOptions& o;
    const BenchTarget& t;
    const kernels::Kernel& k;
    std::string name;  // as asked
    fs::path dir;  // <out>/<name>
    fs::path initrd;
    std::string token;
    std::vector<std::string> prep_notes;
    std::optional<long> tsc_khz;
    const std::atomic<bool>* interrupted;
};

void say(const BenchOptions& o, const std::string& text) {
    if (o.progress) o.progress(text);
}

vm::GuestProgramOptions guest_options(const KernelJob& job, int run, size_t& samples) {
    vm::GuestProgramOptions go;
    go.vm.kernel = job.k.bzimage;
    go.vm.initrd = job.initrd;
    go.vm.accel = job.t.accel;
    go.vm.memory_mb = job.o.plan.memory_mb;
    go.vm.console_log = job.dir / ("console-run" + std::to_string(run) + ".log");
    go.vm.results_file = job.dir / ("results-run" + std::to_string(run) + ".bin");
    vm::GuestCmdline cl;
    cl.token = job.token;
    cl.tsc_khz = job.tsc_khz;
    // guest_cmdline() adds tsc=reliable (the TSC must stay the clocksource under TCG); the
    // skew check against host wall time verifies the guest clock.
    go.vm.append = vm::guest_cmdline(cl);
    go.interrupted = job.interrupted;
    go.on_frame = [&job, run, &samples](const vm::GuestFrame& f) {
        const auto type = protocol::frame_type(f.record);
        if (type == protocol::FrameType::Sample && ++samples % 50 == 0)
            say(job.o, line("  [%s run %d] %zu samples, %.0f s", job.name.c_str(), run, samples, f.host_seconds));
        else if (type == protocol::FrameType::Note || type == protocol::FrameType::Error)
            say(job.o, line("  [%s run %d] %s: %s", job.name.c_str(), run,
                            f.record.get_or("key", std::string(protocol::frame_type_name(type))).c_str(),
                            f.record.get_or("text", f.record.get_or("message", "")).c_str()));
    };
    return go;
}

struct Booted {
    vm::GuestProgramResult result;
    int retries = 0;
};

// Boot hangs under TCG are intermittent (DESIGN.md): bounded retry, counted.
Expected<Booted> boot(const BenchOptions& o, const vm::GuestProgramOptions& go) {
    Booted b;
    for (;;) {
        auto res = vm::run_guest_program(go);
        if (!res) return res.error();
        b.result = std::move(*res);
        if (b.result.booted || b.result.vm_event == "interrupted" || b.retries >= 2) return b;
        ++b.retries;
        say(o, line("modharness bench: VM did not boot (%s), retry %d",
                    (b.result.vm_event.empty() ? b.result.exit_status : b.result.vm_event).c_str(), b.retries));
    }
}

// One VM run into kr.runs (when it produced series). False: interrupted.
Expected<bool> run_once(const KernelJob& job, int run, KernelRuns& kr, BenchOutcome& outcome) {
    size_t samples = 0;
    auto go = guest_options(job, run, samples);
    say(job.o, line("modharness bench: %s run %d/%d (%s) ...", job.name.c_str(), run, job.o.plan.repeat, job.t.accel_name.c_str()));
    auto booted = boot(job.o, go);
    if (!booted) return booted.error();
    if (job.interrupted && job.interrupted->load()) return false;
    const auto& res = booted->result;
    std::string error;
    auto gr = collect_run(res, job.dir, run, error);
    gr.boot_retries = booted->retries;
    gr.run_index = run;
    for (const auto& n : job.prep_notes) gr.notes.push_back(n);
    if (!res.crashes.empty()) gr.notes.push_back("console: " + res.crashes.front().title);
    if (!error.empty()) {
        ++outcome.failures;
        say(job.o, line("modharness bench: %s run %d: %s (console: %s)", job.name.c_str(), run, error.c_str(), go.vm.console_log.c_str()));
    }
    // The raw frames duplicate gbench-runN.json once that parsed: keep them only for failures.
    std::error_code ec;
    if (error.empty() && !job.o.keep_work) fs::remove(go.vm.results_file, ec);
    if (!gr.series.empty()) kr.runs.push_back(std::move(gr));
    return true;
}

// All runs of kernel `ki`; sets outcome.interrupted and stops early when the flag is raised.
Expected<KernelRuns> run_kernel(const BenchOptions& o, const BenchTarget& t, size_t ki, std::optional<long> tsc_khz,
                                const std::atomic<bool>* interrupted, BenchOutcome& outcome) {
    MH_TRY_ASSIGN(token, vm::guest_token());
    KernelJob job{o, t, t.kernels[ki], o.kernels[ki], t.out / o.kernels[ki], {}, std::move(token), {}, tsc_khz, interrupted};
    KernelRuns kr;
    kr.kernel = job.name;
    kr.release = job.k.release;
    fs::path work = job.dir / "work";
    std::error_code ec;
    fs::create_directories(work, ec);
    auto initrd = prepare_initrd(job.k, o.plan, work, job.token, job.prep_notes, [&o](const std::string& s) { say(o, s); });
    if (!initrd) return make_error(kr.kernel + ": " + initrd.error().message);
    job.initrd = *initrd;
    for (int run = 1; run <= o.plan.repeat; ++run) {
        auto done = run_once(job, run, kr, outcome);
        if (!done) return done.error();
        if (!*done) {
            outcome.interrupted = true;
            return kr;
        }
    }
    // The inputs are rebuilt from the seed cache on every run; only the manifest is worth keeping.
    if (!o.keep_work) {
        fs::remove(job.initrd, ec);
        fs::remove_all(work / "store", ec);
    }
    return kr;
}

}  // namespace

Expected<BenchTarget> resolve_bench_target(const BenchOptions& o) {
    BenchTarget t;
    for (const auto& n : o.kernels) {
        auto k = kernels::resolve_kernel(n, o.fetch);
        if (!k) return k.error();
        t.kernels.push_back(*k);
    }
    if (t.kernels.empty()) return make_error("no kernel");
    auto accel = session::accel_from_option(o.accel, t.kernels[0].bzimage, session::default_executor_path(), "qemu-system-x86_64");
    if (!accel) return accel.error();
    t.accel = accel->accel;
    t.accel_name = vm::accel_name(accel->accel);
    std::string kernels_label = o.kernels[0] + (o.kernels.size() > 1 ? "+" + o.kernels[1] : "");
    t.out = o.out ? *o.out
                  : kernels::corpus_modules_dir().parent_path().parent_path() / "bench" / "results" /
                        (kernels_label + "-" + t.accel_name + "-" + utc_stamp("%Y%m%dT%H%MZ"));
    std::error_code ec;
    fs::create_directories(t.out, ec);
    return t;
}

Expected<BenchOutcome> run_bench(const BenchOptions& o, const BenchTarget& t, const std::atomic<bool>* interrupted) {
    // Held until the bench returns: a second bench into this --out is refused at once.
    MH_TRY_ASSIGN(out_lock, host::lock_output_dir(t.out));
    ReportInput report;
    report.accel = t.accel_name;
    report.command = o.command;
    report.date = utc_now_iso();
    std::string notes_before = host_notes();
    auto tsc = vm::tsc_khz_from_cpuinfo(read_text_file("/proc/cpuinfo").value_or(""));
    BenchOutcome outcome;
    for (size_t ki = 0; ki < t.kernels.size(); ++ki) {
        auto kr = run_kernel(o, t, ki, tsc, interrupted, outcome);
        if (!kr) return kr.error();
        if (outcome.interrupted) return outcome;
        report.kernels.push_back(std::move(*kr));
    }
    report.host_notes = "before: " + notes_before + " | after: " + host_notes();
    if (auto s = write_report(report, t.out); !s) return s.error();
    if (auto s = write_file_atomic(t.out / "command.txt", o.command + "\n"); !s) return s.error();
    outcome.report = t.out / "report.md";
    return outcome;
}

}  // namespace mh::bench
