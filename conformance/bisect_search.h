// The search of a version bisect: the first kernel of an ordered list whose result for one case
// differs from the oldest kernel's, by binary search, with differing results confirmed by
// reruns (flaky kernels). Pure: the probe is a callback, so the search is testable without VMs.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::conformance {

// What one run of the case on one kernel gave: its matrix cell (errno, verdict, log_class,
// taint_added, reason; null when the kernel's run has no such case) and its case record.
struct ProbeRun {
    nlohmann::json cell;
    nlohmann::json record;
};
// Runs the case on kernel `index` (attempt 0, 1, ...: each attempt a fresh run).
using BisectProbe = std::function<Expected<ProbeRun>(std::size_t index, int attempt)>;

// The comparable part of a cell: "errno|verdict|log_class|taint_added", "absent" for null.
std::string outcome_key(const nlohmann::json& cell);

struct ProbedKernel {
    std::size_t index = 0;
    std::string key;  // the outcome the search used (the majority of the attempts)
    ProbeRun run;  // an attempt that gave `key`
    std::vector<std::string> attempts;  // every attempt's key, in order
    bool flaky = false;  // the attempts disagreed
};

struct BisectSearch {
    // "changed": kernels[first_changed] is the first whose outcome differs from kernels[0]'s and
    // kernels[last_same] (= first_changed - 1) has the reference outcome; "unchanged": every
    // probed kernel, the newest included, has the reference outcome.
    std::string status;
    std::size_t first_changed = 0;
    std::size_t last_same = 0;
    std::vector<ProbedKernel> probed;  // in probe order; probed[0] is kernels[0]
    int runs = 0;  // probe calls (VM runs), retries included
    // ceil(log2(n)) + 1: the kernels a search over n kernels may probe, retries not counted.
    std::size_t bound = 0;

    const ProbedKernel* find(std::size_t index) const;
};

// Binary search over kernels 0..n-1 (n >= 2) for the first outcome that differs from kernel 0's,
// assuming one change (a later change back is not seen: the matrix shows every change point).
// A first attempt that differs from the reference is rerun up to `retries` more times, stopping
// once one outcome has two votes; the most frequent outcome wins (the first on a tie). A probe
// error stops the search with that error.
Expected<BisectSearch> bisect_search(std::size_t n, const BisectProbe& probe, int retries);

}  // namespace mh::conformance
