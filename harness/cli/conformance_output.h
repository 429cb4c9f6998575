// The files a conformance run is reported in (conform, merge-runs): report.html (with the
// evidence of the committed baselines for each rule), junit.xml and summary.txt beside
// conformance.json, and the exit code its findings give.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/common/expected.h"

namespace mh::cli {

// Writes the three reports into out_dir; returns the summary text.
Expected<std::string> write_conformance_reports(const nlohmann::json& run, const std::filesystem::path& out_dir,
                                                const std::filesystem::path& conformance_dir);

// Any FAIL, BROK or KERNEL case, or a kernel report between cases.
bool has_findings(const nlohmann::json& run);

}  // namespace mh::cli
