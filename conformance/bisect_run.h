// A version bisect: one case of the suite (or of case files) on an ordered kernel set, the first
// version whose result differs from the oldest's, and the changelog entries between the two
// versions at the boundary, ranked by relevance to the module loader.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conformance/bisect_search.h"
#include "conformance/matrix_run.h"
#include "harness/common/expected.h"
#include "harness/kernels/kernel_set.h"
#include "harness/session/run_session.h"

namespace mh::conformance {

inline constexpr const char* kBisectSchema = "modharness.bisect/1";

struct BisectOptions {
    std::vector<kernels::SetMember> kernels;  // ordered, oldest first
    MatrixSelection selection;  // what each probed kernel runs (only = the case, for the suite)
    std::string group;  // "" = the first group that has the case
    std::string id;  // the case
    session::SessionOptions session;  // as for a matrix (kernel, out_dir and resume set per probe)
    std::filesystem::path out_dir;  // OUT: OUT/<release>/ per probe, OUT/retry-N/<release>/ for reruns
    bool resume = false;  // reuse probes an earlier bisect into OUT finished
    int retries = 2;  // reruns of a result that differs from the oldest kernel's
    std::size_t top = 15;  // changelog candidates listed
    // Called before and after each probe run, one call at a time.
    std::function<void(std::size_t index, int attempt)> on_probe;
    std::function<void(std::size_t index, int attempt, const std::string& result)> on_probed;
    std::function<void(const std::string&)> on_progress;
};

// Runs the bisect; the report (schema modharness.bisect/1, docs/matrix.md):
// {"schema", "case": {"group", "id"}, "status": "changed"|"unchanged", "kernels": [{index, label,
//  release, debian_version, probed, result, attempts, flaky}], "last_same", "first_changed"
//  (kernel indices), "before"/"after" (the two cells and case records), "runs", "bound",
//  "candidates": {"from", "to", "source", "items", "ranked": [{version, upstream, text, score, why}],
//  "note"}}. A case that the oldest kernel's run does not have is a usage error; a probe that
// cannot run (fetch, boot) is that probe's error.
Expected<nlohmann::json> run_bisect(const BisectOptions& options);

// The changelog part of a report, from the two kernels at the boundary and the functions of the
// changed case's kernel log: {"from", "to", "source", "items", "ranked", "note"}. Kernels of
// different lines, or not Debian builds, get a note and no items.
nlohmann::json changelog_candidates(const kernels::SetMember& before, const kernels::SetMember& after,
                                    const std::filesystem::path& after_kernel_dir, const std::vector<std::string>& functions,
                                    std::size_t top);

// The report as text for the terminal.
std::string bisect_text(const nlohmann::json& report);

}  // namespace mh::conformance
