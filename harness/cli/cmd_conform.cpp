// `modharness conform`: the conformance suite on one or more kernels, with reports and a diff.
#include <cstdio>
#include <optional>
#include <iostream>

#include "conformance/report/report.h"
#include "conformance/shard_runs.h"
#include "conformance/suite.h"
#include "harness/common/files.h"
#include "conformance/report/kcidb.h"
#include "harness/cli/args.h"
#include "harness/common/error_kind.h"
#include "harness/cli/commands.h"
#include "harness/cli/conformance_output.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/kcidb_option.h"
#include "harness/cli/run_options.h"

namespace mh::cli {
namespace {

constexpr const char* kConformHelp = R"(usage: modharness conform [options]

Runs the conformance suite: every input class of the errno contract (conformance/contract.txt)
on both syscalls -- privilege, buffers and lengths, every fd kind, flags and compression,
signature trailers (also in a module.sig_enforce=1 VM), every malformation of the ELF catalogue,
parameters, init return values, duplicates -- inside disposable VMs on the kernel(s) given.
Each case's acceptable errnos come from the contract for that kernel version and config; where
the man page says otherwise, the report shows which one the kernel followed. The man page is one
named page (conformance/man_pages.txt): by default the one the kernel's distribution ships
(Debian 12 kernels: manpages-6.03), else the current upstream text (man-pages-git).

With two --kernel options both are run and diffed (what changed from A to B).

Outputs (OUT, per kernel a subdirectory when several are given):
  conformance.json   the run (schema modharness.conformance/1; see docs/conformance-json.md)
  report.html        self-contained HTML report      junit.xml   JUnit XML for CI systems
  summary.txt        the terminal summary             <group>/results.jsonl, console logs
  diff.{txt,json,html}  with two kernels

options:
)";

std::vector<OptionSpec> conform_options() {
    std::vector<OptionSpec> specs = {
        {"kernel", "K", "kernel to test (repeatable; default debian-6.1-cloud)", kRepeatable},
        {"group", "NAME", "only this group (repeatable): default, sig_enforce, lockdown", kRepeatable},
        {"only", "LIST", "only cases whose id contains an item or whose class is one (e.g. F1,G1,bad-magic)"},
        {"conformance-dir", "D", "contract, groups and case files (default: the source tree's conformance/)"},
        {"man-page", "NAME", "score against this man page: manpages-6.03, man-pages-git (default: the kernel's distribution's)"},
        {"shard", "I/N",
         "run only shard I of N (1-based; also from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS): a contiguous slice of the selected "
         "cases cut by expected cost (the kernel's baseline says which cases reboot); modharness merge-runs joins the N outputs"},
    };
    // The row above replaces the session's --kernel: conform takes two (A and B).
    for (auto& s : session_option_specs())
        if (s.name != "kernel") specs.push_back(std::move(s));
    specs.push_back({"baseline", "DIR|auto",
                     "gate on a recorded run of the same kernel line: exit 0 when every case has the baseline's outcome "
                     "(its KERNEL events included), 1 naming what changed; auto = <conformance-dir>/baselines/<kernel> "
                     "when it exists"});
    specs.push_back({"update-baseline", "", "with --baseline: record this run as the baseline instead of comparing"});
    specs.push_back(kcidb_option_spec(kKcidbRunsHelp));
    specs.push_back({"quiet", "", "no per-case progress lines"});
    specs.push_back({"help", "", ""});
    return specs;
}

std::string safe_name(std::string s) {
    for (auto& c : s)
        if (c == '/' || c == ' ') c = '_';
    return s;
}

// The files a baseline directory holds: the run and its reports, as `conform --out` writes them.
constexpr const char* kBaselineFiles[] = {"conformance.json", "summary.txt", "junit.xml", "report.html"};

// Where kernel `k`'s baseline is: DIR as given, or for "auto" the committed one of that kernel
// ("" when it has none: the run is then not gated).
std::filesystem::path baseline_dir(const std::string& option, const std::string& conformance_dir, const std::string& k) {
    if (option != "auto") return option;
    auto dir = std::filesystem::path(conformance_dir) / "baselines" / safe_name(k);
    return std::filesystem::exists(dir / "conformance.json") ? dir : std::filesystem::path();
}

// Records `out_dir`'s run and reports as the baseline in `dir`.
Status record_baseline(const std::filesystem::path& out_dir, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return storage_error("cannot create " + dir.string() + ": " + ec.message());
    for (const char* name : kBaselineFiles) {
        auto bytes = read_text_file(out_dir / name);
        if (!bytes) return bytes.error();
        MH_TRY(write_file_atomic(dir / name, *bytes));
    }
    return ok_status();
}

// Compares the run in `out_dir` with the baseline in `dir`; writes OUT/baseline-diff.{json,txt}
// and prints the verdict. Returns whether it matched.
Expected<bool> gate_on_baseline(const nlohmann::json& run, const std::filesystem::path& out_dir, const std::filesystem::path& dir,
                                bool filtered) {
    MH_TRY_ASSIGN(baseline, conformance::load_run(dir));
    MH_TRY_ASSIGN(check, conformance::check_against_baseline(baseline, run, filtered));
    const auto text = conformance::baseline_text(check, dir.string());
    MH_TRY(write_file_atomic(out_dir / "baseline-diff.json", check.diff.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)));
    MH_TRY(write_file_atomic(out_dir / "baseline-diff.txt", text));
    std::fputs(text.c_str(), stdout);
    return check.matches;
}

}  // namespace

int cmd_conform(const Args& args) {
    const auto specs = conform_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("conform", p.error());
    if (p->has("help")) {
        std::fputs(kConformHelp, stdout);
        print_option_help(stdout, specs);
        std::puts(
            "\nexit codes: 0 no FAIL/BROK/KERNEL, 1 findings (or the two kernels differ), 2 usage (or --out in use\n"
            "by another run), 3 environment,\n"
            "4 results could not be stored (disk full: stopped, --resume later), 130 interrupted.\n"
            "With --baseline: 0 every case as in the baseline, 1 something changed (OUT/baseline-diff.{txt,json}).");
        return kExitOk;
    }
    auto base = session_options_from(*p, "conform");
    if (!base) return report_error("conform", base.error());
    if (auto file = p->get("kcidb"))
        if (auto st = check_kcidb_target(*file); !st) return report_error("conform", st.error());
    auto kernels = p->all("kernel");
    if (kernels.empty()) kernels.push_back(base->kernel);
    if (kernels.size() > 2) return report_error("conform", usage_error("at most two --kernel options (A and B)"));
    // Every name before the first download: a typo in B must not wait for A's run.
    for (const auto& k : kernels)
        if (auto named = mh::kernels::check_kernel_name(k); !named) return report_error("conform", named.error());
    const std::string conformance_dir = p->get_or("conformance-dir", conformance::default_conformance_dir().string());
    const std::string baseline = p->get_or("baseline", "");
    const bool update_baseline = p->has("update-baseline");
    const bool filtered = p->has("only") || p->has("group");
    if (update_baseline && baseline.empty()) return report_error("conform", usage_error("--update-baseline needs --baseline DIR|auto"));
    if (!baseline.empty() && baseline != "auto" && kernels.size() > 1)
        return report_error("conform", usage_error("--baseline DIR gates one kernel; with two --kernel options use --baseline auto"));
    auto shard = shard_option(*p);
    if (!shard) return report_error("conform", shard.error());
    const bool sharded = shard->has_value() && (*shard)->total > 1;
    if (update_baseline && (filtered || sharded))
        return report_error(
            "conform", usage_error("a baseline holds the whole suite: --update-baseline cannot be combined with --only/--group/--shard"));
    // A baseline that cannot be read fails now, not after the run.
    if (!baseline.empty() && !update_baseline)
        for (const auto& k : kernels)
            if (auto dir = baseline_dir(baseline, conformance_dir, k); !dir.empty())
                if (auto b = conformance::load_run(dir); !b)
                    return report_error("conform", with_default_kind(b.error(), ErrorKind::kUsage));
    bool quiet = p->has("quiet");
    auto interrupted = install_interrupt_flag();
    bool gated = false, gate_failed = false;
    std::vector<nlohmann::json> runs;
    int exit_code = kExitOk;
    for (const auto& k : kernels) {
        conformance::SuiteOptions so;
        so.session = *base;
        so.session.kernel = k;
        so.session.interrupted = interrupted;
        so.session.out_dir = kernels.size() > 1 ? base->out_dir / safe_name(k) : base->out_dir;
        so.conformance_dir = conformance_dir;
        so.only_groups = p->all("group");
        so.case_filter = p->get_or("only", "");
        so.man_page = p->get_or("man-page", "");
        if (sharded) {
            so.shard = **shard;
            // The kernel's committed baseline says which cases end their VM (a reboot each).
            if (auto dir = baseline_dir("auto", conformance_dir, k); !dir.empty())
                if (auto recorded = conformance::load_run(dir))
                    so.case_cost = conformance::expected_case_costs(*recorded, conformance::kBootCostInCases);
        }
        so.on_progress = [&](const std::string& s) { std::fprintf(stderr, "modharness: [%s] %s\n", k.c_str(), s.c_str()); };
        so.session.on_progress = so.on_progress;
        size_t done = 0;
        so.session.on_case = [&](const session::HostCase&, const session::CaseOutcome& co) {
            ++done;
            if (!quiet)
                std::fprintf(stderr, "[%zu] %-44s %-6s %s\n", done, co.id.substr(0, 44).c_str(),
                             std::string(verdict::verdict_name(co.judgement.verdict)).c_str(), co.judgement.reason.c_str());
        };
        auto run = conformance::run_suite(so);
        if (!run) return report_error("conform", run.error());
        if (run->contains("stopped")) {
            std::fprintf(
                stderr,
                "modharness conform: stopped: %s; the results stored before it are whole. Free some space, then run the same command with --resume\n",
                (*run)["stopped"].get<std::string>().c_str());
            return kExitStorage;
        }
        auto summary = write_conformance_reports(*run, so.session.out_dir, so.conformance_dir);
        if (!summary) return report_error("conform", summary.error());
        std::fputs(summary->c_str(), stdout);
        std::printf("reports: %s/{conformance.json,report.html,junit.xml,summary.txt}\n", so.session.out_dir.c_str());
        if (has_findings(*run)) exit_code = kExitFindings;
        if (interrupted->load()) return kExitInterrupted;
        if (!baseline.empty()) {
            auto dir = baseline_dir(baseline, conformance_dir, k);
            if (update_baseline) {
                if (dir.empty()) dir = std::filesystem::path(conformance_dir) / "baselines" / safe_name(k);
                if (auto r = record_baseline(so.session.out_dir, dir); !r) return report_error("conform", r.error());
                std::printf("baseline recorded: %s\n", dir.c_str());
            } else if (dir.empty()) {
                std::printf("no baseline for %s under %s/baselines: not gated\n", k.c_str(), conformance_dir.c_str());
            } else {
                auto matched = gate_on_baseline(*run, so.session.out_dir, dir, filtered || sharded);
                if (!matched) return report_error("conform", matched.error());
                gated = true;
                gate_failed |= !*matched;
            }
        }
        runs.push_back(*run);
    }
    if (runs.size() == 2) {
        auto diff = conformance::diff_runs(runs[0], runs[1]);
        auto text = conformance::diff_text(diff);
        for (const auto& [name, bytes] :
             {std::pair<const char*, std::string>{"diff.json", diff.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)},
              {"diff.txt", text},
              {"diff.html", conformance::diff_html(diff)}})
            if (auto w = write_file_atomic(base->out_dir / name, bytes); !w) return report_error("conform", w.error());
        std::fputs(text.c_str(), stdout);
        std::printf("diff: %s/diff.{txt,json,html}\n", base->out_dir.c_str());
        if (!conformance::diff_is_empty(diff)) exit_code = kExitFindings;
    }
    if (auto file = p->get("kcidb"))
        if (auto w = write_kcidb(*file, conformance::kcidb_from_runs(runs)); !w) return report_error("conform", w.error());
    // Gated: what changed decides, not the findings a baseline already knows.
    if (update_baseline) return kExitOk;
    if (gated) return gate_failed ? kExitFindings : kExitOk;
    return exit_code;
}

}  // namespace mh::cli
