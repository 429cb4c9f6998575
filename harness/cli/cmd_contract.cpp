// `modharness contract`: questions about the contract data itself: which recorded runs support each
// rule (evidence), and which classes of contract.md §3 the suite covers (coverage).
#include <cstdio>
#include <iostream>

#include "conformance/class_coverage.h"
#include "conformance/report/report.h"
#include "conformance/rule_evidence.h"
#include "conformance/suite.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness contract evidence [RUN...] [--json FILE] [--html FILE]\n"
    "       modharness contract coverage\n"
    "\n"
    "evidence: judges every case of recorded conformance runs (each a conformance.json or a run\n"
    "directory; default: the committed baselines, conformance/baselines/*/) again under the current\n"
    "contract and lists, per rule, the kernels whose runs observed results inside the rule's set,\n"
    "those that contradicted it, and the rules no run exercised (derived from source only). Feed it\n"
    "any number of runs, e.g. one per kernel of a version matrix.\n"
    "coverage: every class of contract.md section 3: its cases in the suite, or why none runs it.\n"
    "\n";

std::vector<OptionSpec> contract_options() {
    return {
        {"json", "FILE", "evidence: also write modharness.evidence/1; '-' = stdout instead of text"},
        {"html", "FILE", "evidence: also write a self-contained HTML page"},
        {"conformance-dir", "D", "contract, groups, cases and baselines (default: the source tree's conformance/)"},
        {"help", "", ""},
    };
}

int evidence(const ParsedArgs& p, const conformance::Contract& contract, const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> paths(p.positionals.begin() + 1, p.positionals.end());
    if (paths.empty()) paths = conformance::baseline_runs(dir);
    if (paths.empty()) return report_error("contract", usage_error("no runs given and no baselines under " + (dir / "baselines").string()));
    auto runs = conformance::load_recorded_runs(paths);
    if (!runs) return report_error("contract", runs.error());
    auto ev = conformance::rule_evidence(contract, *runs);
    std::string json_text = ev.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    auto json_out = p.get("json");
    if (json_out && *json_out == "-") {
        std::fputs(json_text.c_str(), stdout);
    } else {
        std::fputs(conformance::rule_evidence_text(ev).c_str(), stdout);
        if (json_out)
            if (auto w = write_file_atomic(*json_out, json_text); !w) return report_error("contract", w.error());
    }
    if (auto html = p.get("html"))
        if (auto w = write_file_atomic(*html, conformance::rule_evidence_html(ev)); !w) return report_error("contract", w.error());
    return kExitOk;
}

int coverage(const conformance::Contract& contract, const std::filesystem::path& dir) {
    auto report = conformance::class_coverage(contract, dir);
    if (!report) return report_error("contract", report.error());
    for (const auto& cc : report->classes) {
        std::string line = "  " + cc.id + std::string(cc.id.size() < 4 ? 4 - cc.id.size() : 0, ' ') + " " + cc.section + "  ";
        if (cc.cases > 0)
            line += std::to_string(cc.cases) + " case(s)";
        else if (cc.uncovered)
            line += "not covered: " + cc.uncovered->reason;
        else
            line += "NO CASE, NO REASON";
        std::printf("%s\n", line.c_str());
    }
    for (const auto& problem : report->problems) std::fprintf(stderr, "modharness contract: %s\n", problem.c_str());
    return report->problems.empty() ? kExitOk : kExitFindings;
}

}  // namespace

int cmd_contract(const Args& args) {
    const auto specs = contract_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("contract", p.error());
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs);
        std::puts("\nexit codes: 0 ok, 1 coverage problems, 2 usage or an unreadable run, 3 contract not readable");
        return kExitOk;
    }
    if (p->positionals.empty()) return report_error("contract", usage_error("expected a subcommand: evidence or coverage; see --help"));
    std::filesystem::path dir = p->get_or("conformance-dir", conformance::default_conformance_dir().string());
    auto contract = conformance::load_contract(dir / "contract.txt");
    if (!contract) return report_error("contract", contract.error());
    const std::string& sub = p->positionals[0];
    if (sub == "evidence") return evidence(*p, *contract, dir);
    if (sub == "coverage") {
        if (p->positionals.size() > 1) return report_error("contract", usage_error("coverage takes no runs"));
        return coverage(*contract, dir);
    }
    return report_error("contract", usage_error("unknown subcommand '" + sub + "' (evidence, coverage)"));
}

}  // namespace mh::cli
