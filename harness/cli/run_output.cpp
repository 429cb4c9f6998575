// Table and summary printing for `modharness run`.
#include "harness/cli/run_output.h"

#include <map>

#include "harness/cli/args.h"
#include "harness/sys/errno_names.h"

namespace mh::cli {

void print_case_table(std::FILE* out, const std::vector<session::CaseRecord>& records) {
    std::fprintf(out, "%4s  %-28s %-5s %-7s %-16s %-22s %10s  %s\n", "idx", "case", "call", "verdict", "got", "expected", "time", "detail");
    for (const auto& r : records) {
        const auto& o = r.outcome.observation;
        std::string got = "-";
        if (o.has_result) got = o.ret == 0 ? "0" : sys::errno_name(o.err);
        std::string want = "-";
        if (r.host.expect) {
            want.clear();
            for (int e : *r.host.expect) want += (want.empty() ? "" : "|") + sys::errno_name(e);
        }
        std::string time = "-";
        if (r.outcome.guest)
            if (auto ns = r.outcome.guest->get("ns")) {
                char b[32];
                std::snprintf(b, sizeof b, "%.1f us", std::stod(*ns) / 1000.0);
                time = b;
            }
        const auto& g = r.host.guest;
        std::string call = g.call == protocol::Call::Init ? "init" : g.call == protocol::Call::Finit ? "finit" : "none";
        std::string detail;
        auto v = r.outcome.judgement.verdict;
        if (v != verdict::Verdict::Pass && v != verdict::Verdict::Ran) detail = r.outcome.judgement.reason;
        std::fprintf(out, "%4d  %-28s %-5s %-7s %-16s %-22s %10s  %s\n", r.outcome.idx, r.outcome.id.substr(0, 28).c_str(), call.c_str(),
                     std::string(verdict::verdict_name(v)).c_str(), got.c_str(), want.substr(0, 22).c_str(), time.c_str(), detail.c_str());
    }
}

void print_summary(std::FILE* out, const session::SessionResult& r) {
    std::map<std::string, int> counts;
    for (const auto& rec : r.records) ++counts[std::string(verdict::verdict_name(rec.outcome.judgement.verdict))];
    std::string line;
    for (const char* v : {"PASS", "FAIL", "KERNEL", "BROK", "CONF", "RAN"})
        if (counts[v]) line += (line.empty() ? "" : ", ") + std::to_string(counts[v]) + " " + v;
    // Kernel reports between cases: not any case's verdict, each its own KERNEL finding.
    for (const auto& ev : r.events)
        std::fprintf(out, "%4s  %-28s %-5s %-7s late: after case %s in VM %d: %s\n", "-", ("late:" + ev.after_id).substr(0, 28).c_str(),
                     "-", "KERNEL", ev.after_id.c_str(), ev.vm_index, ev.crashes.empty() ? "?" : ev.crashes.front().title.c_str());
    std::fprintf(out, "\n%zu cases on %s (%s): %s\n", r.records.size(), r.kernel.release.c_str(), r.kernel.version.c_str(), line.c_str());
    std::fprintf(out, "%d VM(s), %d boot failure(s), %d kernel event(s) (%zu late), %zu bad frame(s), %d result(s) lost, %.1f s wall",
                 r.stats.vms, r.stats.boot_failures, r.stats.kernel_events, r.events.size(), r.stats.bad_frames, r.stats.results_lost,
                 r.stats.wall_seconds);
    if (r.stats.first_result_seconds >= 0)
        std::fprintf(out, ", %s-to-first-result %.2f s", r.stats.vms_restored ? "restore" : "boot", r.stats.first_result_seconds);
    if (r.stats.snapshot_seconds >= 0 && r.stats.snapshots_cached > 0 && r.stats.snapshots == 0)
        std::fprintf(out, "\nreset: snapshot (from the snapshot cache), %d of %d VM(s) restored", r.stats.vms_restored, r.stats.vms);
    else if (r.stats.snapshot_seconds >= 0)
        std::fprintf(out, "\nreset: snapshot (taken in %.2f s), %d of %d VM(s) restored", r.stats.snapshot_seconds, r.stats.vms_restored,
                     r.stats.vms);
    if (!r.stats.snapshot_fallback.empty()) std::fprintf(out, "\nreset: cold boots: %s", r.stats.snapshot_fallback.c_str());
    std::fprintf(out, "\naccelerator: %s\nresults: %s\n", r.accel_reason.c_str(), r.results_file.string().c_str());
    if (r.stats.interrupted) std::fprintf(out, "INTERRUPTED: results above are complete up to the last case shown\n");
    if (!r.stopped.empty()) std::fprintf(out, "STOPPED: %s\n", stopped_message(r).c_str());
}

std::string stopped_message(const session::SessionResult& r) {
    return r.stopped + "; " + r.results_file.string() + " keeps the " + std::to_string(r.records.size()) +
           " result(s) stored before it, whole and once each. Free some space, then run the same command with --resume";
}

int exit_code_for(const session::SessionResult& r) { return r.events.empty() ? exit_code_for(r.records) : kExitFindings; }

int exit_code_for(const std::vector<session::CaseRecord>& records) {
    for (const auto& r : records) {
        auto v = r.outcome.judgement.verdict;
        if (v == verdict::Verdict::Fail || v == verdict::Verdict::Brok || v == verdict::Verdict::Kernel) return kExitFindings;
    }
    return kExitOk;
}

}  // namespace mh::cli
