// Tests for the bisect search with scripted probes (no VMs): boundaries, the probe bound, reruns
// of differing results, flaky kernels, errors.
#include "conformance/bisect_search.h"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace mh;
using namespace mh::conformance;

nlohmann::json cell(const std::string& err, const std::string& verdict = "PASS") {
    return {{"errno", err}, {"verdict", verdict}, {"log_class", ""}, {"taint_added", ""}, {"reason", "r"}};
}

// Kernels 0..n-1 give ENOEXEC before `change`, EINVAL from it on; every call is logged.
struct Line {
    std::size_t change;
    std::vector<std::pair<std::size_t, int>> calls;
    BisectProbe probe() {
        return [this](std::size_t i, int attempt) -> Expected<ProbeRun> {
            calls.push_back({i, attempt});
            return ProbeRun{cell(i < change ? "ENOEXEC" : "EINVAL"), nlohmann::json::object()};
        };
    }
};

TEST(BisectSearch, FindsEveryBoundaryWithinTheProbeBound) {
    for (std::size_t n : {2u, 3u, 5u, 8u, 14u, 33u}) {
        for (std::size_t change = 1; change <= n; ++change) {
            Line line{change, {}};
            auto r = bisect_search(n, line.probe(), 0);
            ASSERT_TRUE(r.ok());
            if (change == n) {
                EXPECT_EQ(r->status, "unchanged") << n;
            } else {
                EXPECT_EQ(r->status, "changed");
                EXPECT_EQ(r->first_changed, change) << n;
                EXPECT_EQ(r->last_same, change - 1);
                // Both sides of the boundary were run (the report shows their results).
                ASSERT_NE(r->find(change), nullptr);
                ASSERT_NE(r->find(change - 1), nullptr);
                EXPECT_EQ(r->find(change)->run.cell["errno"], "EINVAL");
            }
            EXPECT_LE(r->probed.size(), r->bound) << "n=" << n << " change=" << change;
            EXPECT_EQ(r->probed[0].index, 0u);
            EXPECT_EQ(static_cast<std::size_t>(r->runs), line.calls.size());
        }
    }
    Line eight{3, {}};
    EXPECT_EQ(bisect_search(8, eight.probe(), 0)->bound, 4u);  // ceil(log2 8) + 1
}

TEST(BisectSearch, DifferingResultsAreConfirmedSameOnesAreNot) {
    Line line{2, {}};
    auto r = bisect_search(4, line.probe(), 2);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->first_changed, 2u);
    for (const auto& p : r->probed) {
        EXPECT_FALSE(p.flaky);
        // The reference outcome is taken at once; a different one needs a second vote.
        EXPECT_EQ(p.attempts.size(), p.key == outcome_key(cell("ENOEXEC")) ? 1u : 2u) << p.index;
    }
}

TEST(BisectSearch, AFlakyKernelIsDecidedByMajorityAndMarked) {
    // Kernel 2 of 4 hangs once (BROK) and then gives the reference outcome twice: not a change.
    std::map<std::size_t, std::vector<nlohmann::json>> script = {{2, {cell("", "BROK"), cell("ENOEXEC"), cell("ENOEXEC")}}};
    auto probe = [&](std::size_t i, int attempt) -> Expected<ProbeRun> {
        if (script.count(i)) return ProbeRun{script[i].at(static_cast<std::size_t>(attempt)), {}};
        return ProbeRun{cell(i < 3 ? "ENOEXEC" : "EINVAL"), {}};
    };
    auto r = bisect_search(4, probe, 2);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, "changed");
    EXPECT_EQ(r->first_changed, 3u);
    const auto* k2 = r->find(2);
    ASSERT_NE(k2, nullptr);
    EXPECT_TRUE(k2->flaky);
    EXPECT_EQ(k2->attempts.size(), 3u);
    EXPECT_EQ(k2->key, outcome_key(cell("ENOEXEC")));
    // Without retries the one BROK run is believed: the boundary moves to kernel 2.
    auto once = bisect_search(
        4, [&](std::size_t i, int a) { return probe(i, a); }, 0);
    ASSERT_TRUE(once.ok());
    EXPECT_EQ(once->first_changed, 2u);
}

TEST(BisectSearch, AbsentCaseIsAnOutcomeAndErrorsStopTheSearch) {
    EXPECT_EQ(outcome_key(nullptr), "absent");
    EXPECT_EQ(outcome_key(cell("EINVAL", "FAIL")), "EINVAL|FAIL||");
    auto failing = [](std::size_t i, int) -> Expected<ProbeRun> {
        if (i == 2) return environment_error("kernel 2 could not be fetched");
        return ProbeRun{cell("ENOEXEC"), {}};
    };
    auto r = bisect_search(4, failing, 1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kEnvironment);
    EXPECT_FALSE(bisect_search(1, failing, 0).ok());
}

}  // namespace
