// `modharness diff RUN_A RUN_B`: every case whose errno, verdict, log class or taint differs.
#include <cstdio>
#include <iostream>

#include "conformance/report/report.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness diff RUN_A RUN_B [--json FILE] [--html FILE]\n"
    "\n"
    "Compares two conformance runs (each a conformance.json, or the `modharness conform --out`\n"
    "directory holding one), typically the same suite on kernel A and kernel B. Cases are joined\n"
    "on (group, id). A case is listed when its errno, verdict, log class (the kernel log line that\n"
    "rejected the input) or added taint letters differ, or when it exists in only one run. The\n"
    "text diff, grouped by input class, goes to stdout.\n"
    "\n";

constexpr const char* kExitCodes =
    "\n"
    "exit codes: 0 no differences, 1 differences, 2 usage error or unreadable/invalid run,\n"
    "4 an output file could not be written\n";

std::vector<OptionSpec> diff_options() {
    return {
        {"json", "FILE", "also write the diff as JSON (schema modharness.diff/1); '-' = stdout instead of text"},
        {"html", "FILE", "also write the diff as a self-contained HTML page"},
        {"help", "", ""},
    };
}

}  // namespace

int cmd_diff(const Args& args) {
    const auto specs = diff_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("diff", p.error());
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 16);
        std::fputs(kExitCodes, stdout);
        return kExitOk;
    }
    if (p->positionals.size() != 2)
        return report_error("diff", usage_error("expected two runs (RUN_A RUN_B), got " + std::to_string(p->positionals.size()) +
                                                " argument(s); see --help"));
    auto a = conformance::load_run(p->positionals[0]);
    if (!a) return report_error("diff", with_context("run A: ", a.error()));
    auto b = conformance::load_run(p->positionals[1]);
    if (!b) return report_error("diff", with_context("run B: ", b.error()));
    nlohmann::json diff = conformance::diff_runs(*a, *b);
    // Runs may carry bytes that are not UTF-8 (kernel text); replace rather than throw while writing.
    std::string json_text = diff.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    auto json_out = p->get("json");
    if (json_out && *json_out == "-") {
        std::fputs(json_text.c_str(), stdout);
    } else {
        std::fputs(conformance::diff_text(diff).c_str(), stdout);
        if (json_out)
            if (auto w = write_file_atomic(*json_out, json_text); !w) return report_error("diff", w.error());
    }
    if (auto html = p->get("html"))
        if (auto w = write_file_atomic(*html, conformance::diff_html(diff)); !w) return report_error("diff", w.error());
    std::fflush(stdout);
    return conformance::diff_is_empty(diff) ? kExitOk : kExitFindings;
}

}  // namespace mh::cli
