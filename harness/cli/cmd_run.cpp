// `modharness run`: execute a case list on a kernel inside disposable VMs.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/run_options.h"
#include "harness/cli/run_output.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/session/result_json.h"
#include "harness/session/run_session.h"

namespace mh::cli {
namespace {

constexpr const char* kRunHelp = R"(usage: modharness run [options] CASEFILE...

Runs every case of the case files on one kernel. Each case calls init_module(2) or
finit_module(2) inside a disposable QEMU VM; a crash or hang restarts the VM and the batch
continues at the next case. Results are appended to OUT/results.jsonl as they arrive.

Case files: one case per line, key=value words; see docs/case-format.md. Example:
  id=ok-finit   call=finit image=seed:ok                 expect=0
  id=bad-flags  call=finit image=seed:ok flags=0x100      expect=EINVAL
  id=null-buf   call=init  buf=null len=4096 image=none   expect=EFAULT

options:
)";

std::vector<OptionSpec> run_options() {
    auto specs = session_option_specs();
    specs.push_back({"shard", "I/N",
                     "run only shard I of N of the cases (1-based; also from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS): a "
                     "contiguous slice in file order, with OUT/shard.json; modharness merge-runs joins the N outputs"});
    specs.push_back({"json", "FILE", "also write the JSON result lines to FILE ('-' = stdout, table goes to stderr)"});
    specs.push_back({"quiet", "", "no progress lines"});
    specs.push_back({"help", "", ""});
    return specs;
}

}  // namespace

int cmd_run(const Args& args) {
    const auto specs = run_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("run", p.error());
    if (p->has("help")) {
        std::fputs(kRunHelp, stdout);
        print_option_help(stdout, specs);
        std::fputs(
            "\nexit codes: 0 all PASS/RAN, 1 any FAIL/BROK/KERNEL, 2 usage or bad case file (or --out in use by\n"
            "another run), 3 environment,\n"
            "4 results could not be stored (disk full, I/O error: the run stopped; --resume later), 130 interrupted\n",
            stdout);
        return kExitOk;
    }
    if (p->positionals.empty()) return report_error("run", usage_error("no case file given (see modharness run --help)"));
    auto opts = session_options_from(*p, "run");
    if (!opts) return report_error("run", opts.error());
    std::vector<session::HostCase> cases;
    for (const auto& f : p->positionals) {
        auto c = session::load_case_file(f);
        if (!c) return report_error("run", c.error());
        for (auto& hc : *c) {
            hc.guest.idx = static_cast<int>(cases.size());
            cases.push_back(std::move(hc));
        }
    }
    auto shard = shard_option(*p);
    if (!shard) return report_error("run", shard.error());
    if (*shard && (*shard)->total > 1) {
        const auto keep = session::shard_members(std::vector<double>(cases.size(), 1.0), **shard);
        std::vector<session::HostCase> mine;
        for (size_t i = 0; i < cases.size(); ++i)
            if (keep[i]) {
                mine.push_back(std::move(cases[i]));
                mine.back().guest.idx = static_cast<int>(mine.size() - 1);
            }
        cases = std::move(mine);
    }
    std::string json_path = p->get_or("json", "");
    bool json_stdout = json_path == "-";
    std::FILE* human = json_stdout ? stderr : stdout;
    // Checked now, so a bad path fails before any VM boots; written (durably) at the end.
    if (!json_path.empty() && !json_stdout && !std::ofstream(json_path, std::ios::app))
        return report_error("run", usage_error("--json: cannot write " + json_path));
    bool quiet = p->has("quiet");
    size_t total = cases.size(), done = 0;
    opts->interrupted = install_interrupt_flag();
    opts->on_progress = [&](const std::string& s) {
        if (!quiet) std::fprintf(stderr, "modharness: %s\n", s.c_str());
    };
    kernels::Kernel kernel_for_json;
    opts->on_case = [&](const session::HostCase& hc, const session::CaseOutcome& co) {
        ++done;
        if (!quiet)
            std::fprintf(stderr, "[%zu/%zu] %-28s %s %s\n", done, total, co.id.c_str(),
                         std::string(verdict::verdict_name(co.judgement.verdict)).c_str(), co.judgement.reason.c_str());
        (void)hc;
    };
    auto r = session::run_session(std::move(cases), *opts);
    if (!r) return report_error("run", r.error());
    if (*shard && (*shard)->total > 1) {
        const nlohmann::json marker = {{"schema", "modharness.shard/1"},
                                       {"index", (*shard)->index},
                                       {"total", (*shard)->total},
                                       {"cases", r->records.size()},
                                       {"finished", r->stopped.empty() && !r->stats.interrupted}};
        if (auto w = write_file_atomic(opts->out_dir / "shard.json", marker.dump(1) + "\n"); !w) return report_error("run", w.error());
    }
    if (!json_path.empty()) {
        const std::string results = read_text_file(r->results_file).value_or("");
        std::string json_lines;
        for (auto [line, number] : lines(results)) (json_lines += line) += '\n';
        if (json_stdout)
            std::cout << json_lines;
        else if (auto w = write_file_atomic(json_path, json_lines); !w)
            return report_error("run", w.error());
    }
    std::fputc('\n', human);
    print_case_table(human, r->records);
    print_summary(human, *r);
    if (!r->stopped.empty()) {
        // Last, on stderr, so it is the line a person sees and a log grep finds.
        std::fflush(human);
        std::fprintf(stderr, "modharness run: stopped: %s\n", stopped_message(*r).c_str());
        return kExitStorage;
    }
    if (r->stats.interrupted) return kExitInterrupted;
    return exit_code_for(*r);
}

}  // namespace mh::cli
