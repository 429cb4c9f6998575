// The baseline gate: an unchanged run matches (its KERNEL events known), one changed case fails
// and is named, a filtered run is compared on its own cases only, another kernel line is refused.
#include "conformance/report/baseline_gate.h"

#include <gtest/gtest.h>

#include "conformance/report/test_support.h"

using namespace mh::conformance;
using mh::conformance::testing::run_a;

namespace {

nlohmann::json with_release(nlohmann::json run, const std::string& release, const std::string& version) {
    run["kernel"]["release"] = release;
    run["kernel"]["version"] = version;
    return run;
}

nlohmann::json& case_of(nlohmann::json& run, const std::string& id) {
    for (auto& c : run["cases"])
        if (c.value("id", "") == id) return c;
    ADD_FAILURE() << "no case " << id;
    return run;
}

}  // namespace

TEST(BaselineGate, AnUnchangedRunMatchesWithItsKnownKernelEvents) {
    auto check = check_against_baseline(run_a(), run_a(), false);
    ASSERT_TRUE(check.ok()) << check.error().message;
    EXPECT_TRUE(check->matches);
    EXPECT_EQ(check->known_kernel_events, 1);  // e12-nobits-huge-init
    EXPECT_EQ(check->version_step, "");
    EXPECT_EQ(baseline_text(*check, "B"), "matches the baseline B (1 known kernel event)\n");
}

TEST(BaselineGate, OneChangedCaseFailsAndIsNamed) {
    auto run = run_a();
    case_of(run, "f7-dir-finit")["errno"] = "EISDIR";
    auto check = check_against_baseline(run_a(), run, false);
    ASSERT_TRUE(check.ok()) << check.error().message;
    EXPECT_FALSE(check->matches);
    EXPECT_EQ(check->diff["summary"]["changed"], 1);
    const auto text = baseline_text(*check, "B");
    EXPECT_EQ(text.rfind("differs from the baseline B:\n", 0), 0u) << text;
    EXPECT_NE(text.find("f7-dir-finit"), std::string::npos) << text;
}

TEST(BaselineGate, ANewerBuildOfTheSameLineIsComparedAndTheStepNamed) {
    auto run = with_release(run_a(), "6.1.0-57-cloud-amd64", "6.1.193");
    auto check = check_against_baseline(run_a(), run, false);
    ASSERT_TRUE(check.ok()) << check.error().message;
    EXPECT_TRUE(check->matches);
    EXPECT_EQ(check->version_step, "6.1.0-56-cloud-amd64 (6.1.192) -> 6.1.0-57-cloud-amd64 (6.1.193)");
    EXPECT_EQ(baseline_text(*check, "B").rfind("baseline version step: 6.1.0-56", 0), 0u);
}

TEST(BaselineGate, AnotherKernelLineIsAUsageError) {
    auto run = with_release(run_a(), "6.12.117+deb12-cloud-amd64", "6.12.117");
    auto check = check_against_baseline(run_a(), run, false);
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(check.error().kind, mh::ErrorKind::kUsage);
    EXPECT_NE(check.error().message.find("(6.1)"), std::string::npos) << check.error().message;
}

TEST(BaselineGate, AFilteredRunIsComparedOnItsOwnCases) {
    auto run = run_a();
    nlohmann::json only = nlohmann::json::array();
    for (const auto& c : run["cases"])
        if (c.value("id", "").rfind("e1-", 0) == 0) only.push_back(c);
    run["cases"] = only;
    auto narrowed = check_against_baseline(run_a(), run, true);
    ASSERT_TRUE(narrowed.ok()) << narrowed.error().message;
    EXPECT_TRUE(narrowed->matches) << baseline_text(*narrowed, "B");
    EXPECT_EQ(narrowed->known_kernel_events, 0);
    // Unfiltered, the cases the run left out are "only in the baseline".
    auto whole = check_against_baseline(run_a(), run, false);
    ASSERT_TRUE(whole.ok());
    EXPECT_FALSE(whole->matches);
    EXPECT_EQ(whole->diff["summary"]["only_a"], 12);
}

TEST(BaselineGate, KernelLineOfAVersion) {
    EXPECT_EQ(kernel_line({{"kernel", {{"version", "6.12.117"}}}}), "6.12");
    EXPECT_EQ(kernel_line({{"kernel", {{"release", "6.1.0-57-cloud-amd64"}}}}), "6.1");
    EXPECT_EQ(kernel_line({{"kernel", {{"release", "6.19-rc1"}}}}), "6.19");
    EXPECT_EQ(kernel_line({{"kernel", {{"release", "weird"}}}}), "");
    EXPECT_EQ(kernel_line(nlohmann::json::object()), "");
}
