// Delta debugging (Zeller's ddmin) over a set of differences, with batched tests: a fresh VM costs
// seconds, so each round hands the tester every candidate subset at once and the VM runs them in
// order until one keeps the failure.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "harness/common/expected.h"

namespace mh::campaign {

struct BatchOutcome {
    std::optional<size_t> failing;  // index of the first candidate that kept the failure
    size_t ran = 0;  // candidates 0..ran-1 were run (a VM that crashed differently stops early)
};

// Runs candidate subsets (indices of the differences kept, ascending) in order.
using BatchTester = std::function<Expected<BatchOutcome>(const std::vector<std::vector<size_t>>& candidates)>;

struct DdminResult {
    std::vector<size_t> kept;  // a 1-minimal subset (no single chunk can go) unless `exhausted`
    int batches = 0;
    bool exhausted = false;  // stopped at max_batches: `kept` still fails, but may not be minimal
};

// Minimises the n differences (all of them fail together) to a small subset that still fails.
// The empty set is tried first: a failure that needs none of them is reported as such.
Expected<DdminResult> ddmin(size_t n, const BatchTester& test, int max_batches);

}  // namespace mh::campaign
