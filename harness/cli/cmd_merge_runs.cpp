// `modharness merge-runs OUT DIR...`: the shards of a conformance run (conform --shard I/N, one
// per CI runner) joined into the run and reports an unsharded conform writes; the shards of a
// case run (run --shard I/N) into one results.jsonl.
#include <cstdio>
#include <filesystem>
#include <map>

#include "conformance/report/report.h"
#include "conformance/shard_runs.h"
#include "conformance/suite.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/conformance_output.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/session/merge_results.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness merge-runs OUT DIR... [--conformance-dir D]\n"
    "\n"
    "Joins the outputs of `modharness conform --shard I/N` (each DIR a shard's --out, or its\n"
    "conformance.json; all N shards of one kernel, in any order) into OUT: conformance.json,\n"
    "report.html, junit.xml and summary.txt as one unsharded run writes them. Cases and kernel\n"
    "events keep the suite's order; per-group counts (cases, VMs, kernel events) are summed and\n"
    "the summary recounted; wall time is the longest shard's. A missing or repeated shard, shards\n"
    "of different kernels or splits, and a shard that did not finish (--resume it first) are\n"
    "refused. Each shard's own --baseline gate covers its cases; the merged run is the report.\n"
    "\n"
    "Shards of `modharness run --shard I/N CASEFILE...` (each DIR holding results.jsonl and\n"
    "shard.json) are joined the same way into OUT/results.jsonl, in case-file order.\n"
    "\n";

std::vector<OptionSpec> merge_options() {
    return {
        {"conformance-dir", "D", "contract and baselines for the report's evidence column (default: the source tree's conformance/)"},
        {"help", "", ""},
    };
}

// `modharness run --shard` outputs: their results.jsonl joined; exit 1 when a case FAILed,
// BROKe or saw a KERNEL event, as run's own exit code says.
int merge_run_shards(const ParsedArgs& p, const std::filesystem::path& out) {
    std::vector<session::ResultShard> shards;
    for (size_t i = 1; i < p.positionals.size(); ++i) {
        const std::filesystem::path dir = p.positionals[i];
        auto marker = read_text_file(dir / "shard.json");
        auto results = read_text_file(dir / "results.jsonl");
        if (!marker || !results)
            return report_error("merge-runs",
                                usage_error(dir.string() + ": not a `modharness run --shard` output (shard.json and results.jsonl)"));
        shards.push_back({nlohmann::json::parse(*marker, nullptr, false), *results, dir.string()});
    }
    const size_t n = shards.size();
    auto joined = session::merge_result_shards(std::move(shards));
    if (!joined) return report_error("merge-runs", joined.error());
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) return report_error("merge-runs", storage_error("cannot create " + out.string() + ": " + ec.message()));
    if (auto w = write_file_atomic(out / "results.jsonl", *joined); !w) return report_error("merge-runs", w.error());
    std::map<std::string, int> verdicts;
    size_t cases = 0;
    for (auto [line, number] : lines(*joined)) {
        ++cases;
        ++verdicts[nlohmann::json::parse(line, nullptr, false).value("verdict", "?")];
    }
    std::printf("%zu cases:", cases);
    for (const auto& [v, count] : verdicts) std::printf(" %d %s", count, v.c_str());
    std::printf("\nmerged %zu shards: %s/results.jsonl\n", n, out.c_str());
    const bool findings = verdicts.count("FAIL") || verdicts.count("BROK") || verdicts.count("KERNEL");
    return findings ? kExitFindings : kExitOk;
}

}  // namespace

int cmd_merge_runs(const Args& args) {
    const auto specs = merge_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("merge-runs", p.error());
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 20);
        std::puts(
            "\nexit codes: 0 no FAIL/BROK/KERNEL, 1 findings, 2 usage (or shards that do not make one run),\n4 OUT could not be written");
        return kExitOk;
    }
    if (p->positionals.size() < 2) return report_error("merge-runs", usage_error("give OUT and at least one shard directory (see --help)"));
    const std::filesystem::path out = p->positionals[0];
    std::error_code ec;
    // Run shards: shard.json beside results.jsonl.
    if (std::filesystem::exists(std::filesystem::path(p->positionals[1]) / "shard.json", ec)) return merge_run_shards(*p, out);
    std::vector<nlohmann::json> shards;
    for (size_t i = 1; i < p->positionals.size(); ++i) {
        auto run = conformance::load_run(p->positionals[i]);
        if (!run)
            return report_error("merge-runs", with_default_kind(with_context(p->positionals[i] + ": ", run.error()), ErrorKind::kUsage));
        shards.push_back(std::move(*run));
    }
    auto merged = conformance::merge_shard_runs(shards);
    if (!merged) return report_error("merge-runs", merged.error());
    std::filesystem::create_directories(out, ec);
    if (ec) return report_error("merge-runs", storage_error("cannot create " + out.string() + ": " + ec.message()));
    if (auto w = write_file_atomic(out / "conformance.json", merged->dump(1, ' ', false, nlohmann::json::error_handler_t::replace)); !w)
        return report_error("merge-runs", w.error());
    const std::filesystem::path dir = p->get_or("conformance-dir", conformance::default_conformance_dir().string());
    auto summary = write_conformance_reports(*merged, out, dir);
    if (!summary) return report_error("merge-runs", summary.error());
    std::fputs(summary->c_str(), stdout);
    std::printf("merged %zu shards: %s/{conformance.json,report.html,junit.xml,summary.txt}\n", shards.size(), out.c_str());
    return has_findings(*merged) ? kExitFindings : kExitOk;
}

}  // namespace mh::cli
