// `modharness bisect`: the first kernel of an ordered set where one case's result differs from the
// oldest kernel's, by binary search, and the changelog entries at that boundary.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "conformance/bisect_run.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/kernel_set_options.h"
#include "harness/cli/number_option.h"
#include "harness/cli/run_options.h"
#include "harness/common/files.h"
#include "harness/host/output_lock.h"
#include "harness/kernels/kernel_set.h"

namespace mh::cli {
namespace {

constexpr const char* kBisectHelp = R"(usage: modharness bisect --kernels SET --case [GROUP/]ID [options] [CASEFILE...]

Finds the first kernel of a kernel set (ordered by Debian version) whose result for one case --
errno, verdict, kernel-log class, taint -- differs from the oldest kernel's, by binary search:
at most ceil(log2(n))+1 kernels are run, each fetched when missing. A result that differs from
the oldest kernel's is run again (--retries) before the search trusts it; kernels whose runs
disagree are marked flaky and decided by majority. The search assumes one change in the range;
`modharness matrix` shows every change point.

At the boundary it lists the candidate commits: the entries of the newer kernel's
changelog.Debian.gz between the two Debian versions (every upstream stable commit subject
Debian took in), ranked by relevance -- subjects under module:/kmod first, then those naming
kernel/module, x86/module, ELF or module signing, and those naming a function of the case's
kernel log (stack frames). Kernels of two lines (6.1 -> 6.12) have no changelog in common.

  modharness bisect --kernels debian-6.12-cloud@all --case mal-section-offset-into-header-init
  modharness bisect --kernels 'debian-6.1-cloud@6.1.0-50..' --case default/mal-symbol-shndx-oob-init --retries 1
  modharness bisect --kernels debian-6.1-cloud@cached,debian-6.12-cloud@cached --case c1 my.cases

Each probe is a one-kernel matrix run of the case (suite: --only ID) into OUT/<release>/ (reruns
into OUT/retry-N/<release>/); --resume reuses finished probes. Outputs: OUT/bisect.json (schema
modharness.bisect/1, docs/matrix.md) and OUT/bisect.txt.

SET (repeatable --kernels; items comma-separated):
)";

std::vector<OptionSpec> bisect_options() {
    std::vector<OptionSpec> specs = {
        {"kernels", "SET", "the kernels (repeatable), oldest to newest after ordering: see SET above", kRepeatable},
        {"case", "[GROUP/]ID", "the case to follow (a suite case id, or an id= of the CASEFILEs)"},
        {"retries", "N", "reruns of a result that differs from the oldest kernel's, 0..5 (default 2)"},
        {"top", "N", "changelog candidates listed, 1..200 (default 15)"},
        {"man-page", "NAME", "score against this man page (as conform; does not change the search)"},
        {"conformance-dir", "D", "contract, groups and case files (default: the source tree's conformance/)"},
        {"dry-run", "", "expand the set, print the kernels, run nothing"},
    };
    for (auto& s : session_option_specs())
        if (s.name != "kernel") specs.push_back(std::move(s));
    specs.push_back({"quiet", "", "no progress lines (the result is still printed)"});
    specs.push_back({"help", "", ""});
    return specs;
}

}  // namespace

int cmd_bisect(const Args& args) {
    const auto specs = bisect_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("bisect", p.error());
    if (p->has("help")) {
        std::fputs(kBisectHelp, stdout);
        std::fputs(kernels::kernel_set_help().c_str(), stdout);
        std::fputs("\noptions:\n", stdout);
        print_option_help(stdout, specs);
        std::puts(
            "\nexit codes: 0 the newest kernel gives the oldest kernel's result (no change found), 1 a change was\n"
            "found (the boundary and its candidates are printed), 2 usage (also: the case is not in the oldest\n"
            "kernel's run; --out in use, or not empty without --resume), 3 environment (apt, a kernel that could\n"
            "not be fetched or booted), 4 results could not be stored, 130 interrupted");
        return kExitOk;
    }
    const auto set = p->all("kernels");
    if (set.empty()) return report_error("bisect", usage_error("no kernel set: --kernels SET (see modharness bisect --help)"));
    if (auto syntax = kernels::check_kernel_set(set); !syntax) return report_error("bisect", syntax.error());
    const std::string wanted = p->get_or("case", "");
    if (wanted.empty()) return report_error("bisect", usage_error("no case: --case [GROUP/]ID"));
    auto base = session_options_from(*p, "bisect");
    if (!base) return report_error("bisect", base.error());
    auto retries = number_option(p.value(), "retries", 2, 0, 5);
    if (!retries) return report_error("bisect", retries.error());
    auto top = number_option(p.value(), "top", std::size_t{15}, std::size_t{1}, std::size_t{200});
    if (!top) return report_error("bisect", top.error());
    auto sel = selection_from(*p);
    if (!sel) return report_error("bisect", sel.error());

    conformance::BisectOptions bo;
    const auto slash = wanted.find('/');
    bo.group = slash == std::string::npos ? "" : wanted.substr(0, slash);
    bo.id = slash == std::string::npos ? wanted : wanted.substr(slash + 1);
    if (bo.id.empty()) return report_error("bisect", usage_error("--case '" + wanted + "' has no id"));
    if (auto st = check_case_exists(*sel, bo.group, bo.id); !st) return report_error("bisect", st.error());
    if (sel->case_files.empty()) {
        sel->only = bo.id;
        if (!bo.group.empty()) sel->groups = {bo.group};
    }
    const bool quiet = p->has("quiet");
    const auto out = base->out_dir;
    if (!p->has("dry-run"))
        if (auto st = check_out_dir(out, base->resume); !st) return report_error("bisect", st.error());

    auto interrupted = install_interrupt_flag();
    if (!quiet) std::fprintf(stderr, "modharness: bisect: expanding the kernel set (apt-cache, the cache)\n");
    auto members = kernels::expand_kernel_set(set, kernels::system_set_sources(interrupted));
    if (!members) return report_error("bisect", members.error());
    if (members->size() < 2)
        return report_error(
            "bisect", usage_error("the kernel set has " + std::to_string(members->size()) + " kernel(s); a bisect needs at least two"));
    std::printf("bisect: %zu kernel(s), %s (oldest) .. %s (newest)\n", members->size(), members->front().display().c_str(),
                members->back().display().c_str());
    if (p->has("dry-run")) {
        for (std::size_t i = 0; i < members->size(); ++i)
            std::printf("  [%zu] %-30s %-34s %s\n", i + 1, (*members)[i].display().c_str(), (*members)[i].release.c_str(),
                        (*members)[i].cached ? "cached" : ("to fetch " + mib((*members)[i].image_bytes)).c_str());
        return kExitOk;
    }
    auto lock = host::lock_output_dir(out);
    if (!lock) return report_error("bisect", lock.error());

    bo.kernels = *members;
    bo.selection = *sel;
    bo.session = *base;
    bo.session.interrupted = interrupted;
    bo.out_dir = out;
    bo.resume = base->resume;
    bo.retries = *retries;
    bo.top = *top;
    const std::size_t n = members->size();
    bo.on_probe = [&](std::size_t i, int attempt) {
        if (!quiet)
            std::fprintf(stderr, "modharness: bisect: [%zu/%zu] %s%s%s\n", i + 1, n, (*members)[i].display().c_str(),
                         attempt > 0 ? (" rerun " + std::to_string(attempt)).c_str() : "",
                         (*members)[i].cached || (*members)[i].user ? "" : " (fetching)");
    };
    bo.on_probed = [&](std::size_t i, int, const std::string& result) {
        std::printf("  [%zu] %s: %s\n", i + 1, (*members)[i].label().c_str(), result.c_str());
        std::fflush(stdout);
    };
    bo.on_progress = [&](const std::string& line) {
        if (!quiet) std::fprintf(stderr, "modharness: bisect: %s\n", line.c_str());
    };
    auto report = conformance::run_bisect(bo);
    if (!report) return report_error("bisect", report.error());
    (*report)["set"] = set;
    (*report)["finished_utc"] = utc_now_iso();
    const auto text = conformance::bisect_text(*report);
    if (auto w = write_file_atomic(out / "bisect.json", report->dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"); !w)
        return report_error("bisect", w.error());
    if (auto w = write_file_atomic(out / "bisect.txt", text); !w) return report_error("bisect", w.error());
    std::fputs(text.c_str(), stdout);
    std::printf("bisect: %s/{bisect.json,bisect.txt}; per probed kernel: %s/<release>/\n", out.c_str(), out.c_str());
    return report->value("status", "") == "changed" ? kExitFindings : kExitOk;
}

}  // namespace mh::cli
