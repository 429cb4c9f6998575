// `modharness matrix`: the conformance suite (or case files) on every kernel of a set; one row per
// case, one column per kernel, the change points between consecutive kernels.
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "conformance/case_file_run.h"
#include "conformance/contract.h"
#include "conformance/groups.h"
#include "conformance/matrix_run.h"
#include "conformance/report/matrix.h"
#include "conformance/report/matrix_html.h"
#include "conformance/report/matrix_text.h"
#include "conformance/suite.h"
#include "conformance/report/kcidb.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/kcidb_option.h"
#include "harness/cli/kernel_set_options.h"
#include "harness/cli/number_option.h"
#include "harness/cli/run_options.h"
#include "harness/common/files.h"
#include "harness/host/output_lock.h"
#include "harness/kernels/kernel_set.h"

namespace mh::cli {
namespace {

constexpr unsigned kMaxJobs = 16;

constexpr const char* kMatrixHelp = R"(usage: modharness matrix --kernels SET [options] [CASEFILE...]

Runs the conformance suite (or, with CASEFILEs, those cases judged by their own expect=) on
every kernel of a kernel set, and shows one row per case and one column per kernel: errno,
verdict and kernel-log class per cell, and the change points -- the first kernel where a case's
errno, verdict, log class or taint differs from the kernel before it. Kernels are ordered by
Debian version, so a change point says "first version where this changed".

  modharness matrix --kernels debian-6.12-cloud@all --only E1,F1
  modharness matrix --kernels 'debian-6.1-cloud@6.1.0-50..,debian-6.12-cloud@newest:2' --jobs 2
  modharness matrix --kernels debian-6.1-cloud@cached --kernels ./bzImage my.cases

Each kernel's run lands in OUT/<release>/ as a normal conformance run directory
(conformance.json, report.html, junit.xml, summary.txt, <group>/results.jsonl, consoles), so
--resume reuses kernels that finished (OUT/<release>/matrix-kernel.json) and continues the
others where their results end. Missing kernels are fetched into the cache first (timed: the
share of the matrix spent fetching is reported). A kernel that cannot be fetched or run is
recorded as failed and the others go on.

Outputs in OUT: matrix.json (schema modharness.matrix/1, docs/matrix.md), matrix.txt,
matrix.html (self-contained), rewritten as each kernel finishes.

SET (repeatable --kernels; items comma-separated):
)";

std::vector<OptionSpec> matrix_options() {
    std::vector<OptionSpec> specs = {
        {"kernels", "SET", "the kernels (repeatable): see SET above", kRepeatable},
        {"group", "NAME", "only this group of the suite (repeatable): default, sig_enforce, lockdown", kRepeatable},
        {"only", "LIST", "only suite cases whose id contains an item or whose class is one (e.g. E1,F1)"},
        {"man-page", "NAME", "score against this man page: manpages-6.03, man-pages-git (default: each kernel's distribution's)"},
        {"conformance-dir", "D", "contract, groups and case files (default: the source tree's conformance/)"},
        {"jobs", "N", "kernels run at once, each with its own VMs, 1..16 (default 1)"},
        {"all-rows", "", "the text table lists every case, not only those that change"},
        {"dry-run", "", "expand the set, print the kernels and what would be fetched, run nothing"},
    };
    for (auto& s : session_option_specs())
        if (s.name != "kernel") specs.push_back(std::move(s));
    specs.push_back(kcidb_option_spec(kKcidbRunsHelp));
    specs.push_back({"quiet", "", "no progress lines (the table and timing are still printed)"});
    specs.push_back({"help", "", ""});
    return specs;
}

void print_plan(const std::vector<kernels::SetMember>& members, unsigned jobs, bool fetch) {
    std::uint64_t bytes = 0;
    int to_fetch = 0;
    for (const auto& m : members)
        if (!m.cached && !m.user) {
            ++to_fetch;
            bytes += m.image_bytes;
        }
    std::printf("matrix: %zu kernel(s), %d %s%s, %u at a time\n", members.size(), to_fetch,
                fetch ? "to fetch" : "not cached (--no-fetch: they fail)",
                to_fetch && fetch ? (" (images " + mib(bytes) + " + headers)").c_str() : "", jobs);
    for (std::size_t i = 0; i < members.size(); ++i) {
        const auto& m = members[i];
        std::printf("  [%zu] %-30s %-34s %-20s %s\n", i + 1, m.display().c_str(), m.release.c_str(),
                    m.version.empty() ? "-" : m.version.c_str(),
                    m.user     ? "bzImage"
                    : m.cached ? "cached"
                    : fetch    ? "to fetch"
                               : "not cached");
    }
}

// The matrix of what has finished so far, with the run-level facts.
nlohmann::json assemble(const conformance::MatrixRunResult& r, const std::vector<std::string>& set, const conformance::MatrixSelection& sel,
                        const std::string& started, bool finished, unsigned jobs) {
    auto m = conformance::build_matrix(conformance::matrix_columns(r));
    m["tool"] = {{"name", "modharness"}, {"version", "0.1.0"}};
    m["set"] = set;
    m["selection"] = sel.to_json();
    m["started_utc"] = started;
    if (finished) m["finished_utc"] = utc_now_iso();
    m["complete"] = finished && !r.interrupted && r.stopped.empty();
    m["timing"] = conformance::matrix_timing(r, jobs);
    return m;
}

Status write_outputs(const std::filesystem::path& out, const nlohmann::json& m, bool all_rows) {
    MH_TRY(write_file_atomic(out / "matrix.json", m.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
    MH_TRY(write_file_atomic(out / "matrix.txt", conformance::matrix_text(m, all_rows)));
    MH_TRY(write_file_atomic(out / "matrix.html", conformance::matrix_html(m)));
    return ok_status();
}

std::string progress_line(const conformance::KernelRun& k, std::size_t n) {
    char head[64];
    std::snprintf(head, sizeof head, "[%zu/%zu] ", k.index + 1, n);
    std::string s = head + k.member.display();
    if (k.status == "failed") return s + ": failed: " + (k.error ? k.error->message : "?");
    const auto cases = k.run.is_object() && k.run.contains("cases") && k.run["cases"].is_array() ? k.run["cases"].size() : 0;
    char tail[160];
    std::snprintf(tail, sizeof tail, ": %zu cases, %.0f s (fetch %.0f s, prepare %.0f s, %d VM%s)", cases, k.total_seconds, k.fetch_seconds,
                  k.prepare_seconds, k.vm_boots, k.vm_boots == 1 ? "" : "s");
    s += tail;
    if (k.status != "ran") s += " [" + k.status + (k.error ? ": " + k.error->message : "") + "]";
    return s;
}

}  // namespace

int cmd_matrix(const Args& args) {
    const auto specs = matrix_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("matrix", p.error());
    if (p->has("help")) {
        std::fputs(kMatrixHelp, stdout);
        std::fputs(kernels::kernel_set_help().c_str(), stdout);
        std::fputs("\noptions:\n", stdout);
        print_option_help(stdout, specs);
        std::puts(
            "\nexit codes: 0 every kernel ran and no case changed between consecutive kernels, 1 some case\n"
            "changed (a change point; findings such as FAIL or KERNEL verdicts alone do not count), 2 usage\n"
            "(or --out in use by another run, or not empty without --resume), 3 environment (apt, a kernel\n"
            "that could not be fetched or run: the other kernels still ran), 4 results could not be stored\n"
            "(stopped; --resume later), 130 interrupted (the matrix so far is written)");
        return kExitOk;
    }
    const auto set = p->all("kernels");
    if (set.empty()) return report_error("matrix", usage_error("no kernel set: --kernels SET (see modharness matrix --help)"));
    if (auto syntax = kernels::check_kernel_set(set); !syntax) return report_error("matrix", syntax.error());
    auto base = session_options_from(*p, "matrix");
    if (!base) return report_error("matrix", base.error());
    if (auto file = p->get("kcidb"))
        if (auto st = check_kcidb_target(*file); !st) return report_error("matrix", st.error());
    auto jobs = number_option(p.value(), "jobs", 1u, 1u, kMaxJobs);
    if (!jobs) return report_error("matrix", jobs.error());
    auto sel = selection_from(*p);
    if (!sel) return report_error("matrix", sel.error());
    const bool dry_run = p->has("dry-run");
    const bool quiet = p->has("quiet");
    const bool all_rows = p->has("all-rows");
    const auto out = base->out_dir;
    if (!dry_run)
        if (auto st = check_out_dir(out, base->resume); !st) return report_error("matrix", st.error());

    auto interrupted = install_interrupt_flag();
    if (!quiet) std::fprintf(stderr, "modharness: matrix: expanding the kernel set (apt-cache, the cache)\n");
    auto members = kernels::expand_kernel_set(set, kernels::system_set_sources(interrupted));
    if (!members) return report_error("matrix", members.error());
    print_plan(*members, *jobs, base->fetch);
    if (dry_run) return kExitOk;

    // One matrix per OUT; each kernel's suite locks its own directory below it.
    auto lock = host::lock_output_dir(out);
    if (!lock) return report_error("matrix", lock.error());

    const std::string started = utc_now_iso();
    conformance::MatrixOptions mo;
    mo.kernels = *members;
    mo.selection = *sel;
    mo.session = *base;
    mo.session.interrupted = interrupted;
    mo.out_dir = out;
    mo.resume = base->resume;
    mo.jobs = *jobs;
    // Finished kernels so far, to rewrite the matrix files as each one ends.
    conformance::MatrixRunResult so_far;
    so_far.kernels.resize(members->size());
    for (std::size_t i = 0; i < members->size(); ++i) {
        so_far.kernels[i].index = i;
        so_far.kernels[i].member = (*members)[i];
    }
    const std::size_t n = members->size();
    mo.on_start = [&](const conformance::KernelRun& k) {
        if (!quiet)
            std::fprintf(stderr, "modharness: [%zu/%zu] %s: %s\n", k.index + 1, n, k.member.display().c_str(),
                         k.member.user     ? "bzImage"
                         : k.member.cached ? "cached"
                                           : ("fetching " + mib(k.member.image_bytes) + " + headers").c_str());
    };
    mo.on_progress = [&](const conformance::KernelRun& k, const std::string& line) {
        if (!quiet) std::fprintf(stderr, "modharness: [%zu/%zu] %s: %s\n", k.index + 1, n, k.member.label().c_str(), line.c_str());
    };
    mo.on_done = [&](const conformance::KernelRun& k, std::size_t) {
        std::printf("%s\n", progress_line(k, n).c_str());
        std::fflush(stdout);
        so_far.kernels[k.index] = k;
        // A partial matrix on disk at every step: an interrupted or killed matrix still shows what it has.
        if (auto w = write_outputs(out, assemble(so_far, set, *sel, started, false, *jobs), all_rows); !w)
            std::fprintf(stderr, "modharness matrix: %s\n", w.error().message.c_str());
    };
    auto result = conformance::run_matrix(mo);
    if (!result) return report_error("matrix", result.error());

    const auto m = assemble(*result, set, *sel, started, true, *jobs);
    if (auto w = write_outputs(out, m, all_rows); !w) return report_error("matrix", w.error());
    std::fputs(conformance::matrix_text(m, all_rows).c_str(), stdout);
    std::printf("matrix: %s/{matrix.json,matrix.txt,matrix.html}; per kernel: %s/<release>/\n", out.c_str(), out.c_str());
    if (auto file = p->get("kcidb")) {
        std::vector<nlohmann::json> runs;
        for (const auto& k : result->kernels)
            if (k.run.is_object()) runs.push_back(k.run);
        if (auto w = write_kcidb(*file, conformance::kcidb_from_runs(runs)); !w) return report_error("matrix", w.error());
    }

    if (result->interrupted) return kExitInterrupted;
    if (!result->stopped.empty()) {
        std::fprintf(stderr, "modharness matrix: stopped: %s; free some space, then run the same command with --resume\n",
                     result->stopped.c_str());
        return kExitStorage;
    }
    for (const auto& k : result->kernels)
        if (k.error) return exit_code_for(k.error->kind);
    return conformance::matrix_has_changes(m) ? kExitFindings : kExitOk;
}

}  // namespace mh::cli
