// Conformance reports (see conformance_output.h).
#include "harness/cli/conformance_output.h"

#include <utility>

#include "conformance/report/report.h"
#include "conformance/rule_evidence.h"
#include "harness/common/files.h"

namespace mh::cli {

Expected<std::string> write_conformance_reports(const nlohmann::json& run, const std::filesystem::path& out_dir,
                                                const std::filesystem::path& conformance_dir) {
    auto summary = conformance::summary_text(run);
    // The report shows which kernels' committed runs support each contract rule.
    nlohmann::json evidence;
    if (auto contract = conformance::load_contract(conformance_dir / "contract.txt"); contract)
        if (auto baselines = conformance::load_recorded_runs(conformance::baseline_runs(conformance_dir)); baselines && !baselines->empty())
            evidence = conformance::rule_evidence(*contract, *baselines);
    for (const auto& [name, text] : {std::pair<const char*, std::string>{"junit.xml", conformance::junit_xml(run)},
                                     {"report.html", conformance::html_report(run, nullptr, evidence.is_null() ? nullptr : &evidence)},
                                     {"summary.txt", summary}})
        MH_TRY(write_file_atomic(out_dir / name, text));
    return summary;
}

bool has_findings(const nlohmann::json& run) {
    for (const auto& c : run.value("cases", nlohmann::json::array())) {
        auto v = c.value("verdict", "");
        if (v == "FAIL" || v == "BROK" || v == "KERNEL") return true;
    }
    // Kernel reports between cases are KERNEL findings of their own.
    auto events = run.find("events");
    return events != run.end() && events->is_array() && !events->empty();
}

}  // namespace mh::cli
