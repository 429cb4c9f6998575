// KCIDB v5 output: every object has its required fields and only allowed ones, ids and paths
// match the schema's patterns, statuses come from its enum, kernel reports become issues with
// incidents on their tests; the committed baselines convert cleanly.
#include "conformance/report/kcidb.h"

#include <gtest/gtest.h>

#include "conformance/report/test_support.h"
#include "harness/common/files.h"

using namespace mh::conformance;
using mh::conformance::testing::run_a;

namespace {

std::string problems_text(const nlohmann::json& data) {
    std::string out;
    for (const auto& p : kcidb_problems(data)) out += p + "\n";
    return out;
}

}  // namespace

TEST(Kcidb, AFixtureRunIsValidKcidbV5) {
    const auto data = kcidb_from_run(run_a());
    EXPECT_EQ(problems_text(data), "");
    EXPECT_EQ(data["version"]["major"], 5);
    ASSERT_EQ(data["checkouts"].size(), 1u);
    ASSERT_EQ(data["builds"].size(), 1u);
    EXPECT_EQ(data["builds"][0]["checkout_id"], data["checkouts"][0]["id"]);
    EXPECT_EQ(data["builds"][0]["id"], "modharness:linux-image-6_1_0-56-cloud-amd64");
    EXPECT_EQ(data["builds"][0]["config_name"], "debian-6.1-cloud");
    ASSERT_EQ(data["tests"].size(), run_a()["cases"].size());
    for (const auto& t : data["tests"]) EXPECT_EQ(t["build_id"], data["builds"][0]["id"]);
}

TEST(Kcidb, VerdictsMapToStatusesAndPaths) {
    const auto data = kcidb_from_run(run_a());
    std::map<std::string, std::string> status_by_id;
    std::map<std::string, std::string> path_by_id;
    for (const auto& t : data["tests"]) {
        const std::string id = t["id"];
        const std::string c = id.substr(id.rfind('/') + 1);
        status_by_id[c] = t["status"];
        path_by_id[c] = t["path"];
    }
    EXPECT_EQ(status_by_id["f1-closed-finit"], "PASS");
    EXPECT_EQ(status_by_id["f12-sysfs-finit"], "FAIL");
    EXPECT_EQ(status_by_id["e12-nobits-huge-init"], "FAIL");  // KERNEL: the tested kernel faulted
    EXPECT_EQ(status_by_id["p1-nocap-init"], "ERROR");  // BROK: our setup failed
    EXPECT_EQ(status_by_id["g5-xz-garbage"], "SKIP");  // CONF: not applicable here
    EXPECT_EQ(path_by_id["f1-closed-finit"], "modharness.conformance.default.F1.f1-closed-finit");
    EXPECT_EQ(kcidb_status("RAN"), "DONE");
    EXPECT_EQ(kcidb_status("bogus"), "ERROR");
    EXPECT_EQ(kcidb_path_node("mal-x.y:z+1"), "mal-x_y_z_1");
    EXPECT_EQ(kcidb_path_node(""), "_");
}

TEST(Kcidb, KernelReportsAreIssuesWithIncidentsOnTheirTests) {
    auto run = run_a();
    // A late report after f1-closed-finit with the KERNEL case's title: one issue, two incidents.
    std::string title;
    for (const auto& c : run["cases"])
        if (c.value("verdict", "") == "KERNEL") title = c.value("title", "");
    ASSERT_FALSE(title.empty()) << "the fixture's KERNEL case has a title";
    run["events"] = nlohmann::json::array({{{"schema", "modharness.event/1"},
                                            {"kind", "late-kernel-report"},
                                            {"group", "default"},
                                            {"after_id", "f1-closed-finit"},
                                            {"title", title}}});
    const auto data = kcidb_from_run(run);
    EXPECT_EQ(problems_text(data), "");
    ASSERT_EQ(data["issues"].size(), 1u);
    EXPECT_EQ(data["issues"][0]["report_subject"], title);
    ASSERT_EQ(data["incidents"].size(), 2u);
    for (const auto& inc : data["incidents"]) {
        EXPECT_EQ(inc["issue_id"], data["issues"][0]["id"]);
        EXPECT_TRUE(inc.contains("test_id"));
    }
    EXPECT_NE(data["incidents"][1]["test_id"].get<std::string>().find("f1-closed-finit"), std::string::npos);
}

TEST(Kcidb, TheCheckerCatchesWhatTheSchemaForbids) {
    auto data = kcidb_from_run(run_a());
    data["tests"][0]["status"] = "KERNEL";
    data["tests"][1].erase("build_id");
    data["tests"][2]["path"] = "a..b";
    data["tests"][3]["verdict"] = "PASS";
    data["builds"][0]["origin"] = "Mod Harness";
    data["checkouts"][0]["id"] = "no-colon";
    data["version"]["major"] = 4;
    const auto p = problems_text(data);
    for (const char* expected : {"tests[0].status", "tests[1] lacks required 'build_id'", "tests[2].path",
                                 "tests[3] has property 'verdict'", "builds[0].origin", "checkouts[0].id", "version.major"})
        EXPECT_NE(p.find(expected), std::string::npos) << expected << " not in:\n" << p;
}

TEST(Kcidb, TheCommittedBaselinesConvertCleanly) {
    for (const char* k : {"debian-6.1-cloud", "debian-6.12-cloud"}) {
        auto run = load_run(mh::conformance::testing::testdata().parent_path().parent_path() / "baselines" / k);
        ASSERT_TRUE(run.ok()) << run.error().message;
        const auto data = kcidb_from_run(*run);
        EXPECT_EQ(problems_text(data), "") << k;
        EXPECT_EQ(data["tests"].size(), (*run)["cases"].size()) << k;
        EXPECT_GT(data.value("issues", nlohmann::json::array()).size(), 0u) << k << ": its KERNEL verdicts are issues";
    }
}

TEST(Kcidb, TwoRunsMakeOneSubmissionWithSharedIssuesOnce) {
    auto a = run_a();
    auto b = run_a();
    b["started_utc"] = "2026-11-30T04:10:00Z";  // the same kernel another night
    const auto data = kcidb_from_runs({a, b});
    EXPECT_EQ(problems_text(data), "");
    EXPECT_EQ(data["checkouts"].size(), 1u);
    EXPECT_EQ(data["builds"].size(), 1u);
    EXPECT_EQ(data["tests"].size(), 2 * a["cases"].size());
    EXPECT_EQ(data["issues"].size(), 1u);
    EXPECT_EQ(data["incidents"].size(), 2u);
}

// A fuzzing campaign's summary (the committed demo campaign on the KCOV fuzz kernel: 11 crash titles).
TEST(Kcidb, AFuzzCampaignIsOneTestWithAnIssuePerCrashTitle) {
    const auto path = mh::conformance::testing::testdata().parent_path().parent_path().parent_path() / "docs" / "fuzz-demo-paramoops" /
                      "campaign-summary.json";
    auto summary = nlohmann::json::parse(mh::read_text_file(path).value_or(""), nullptr, false);
    ASSERT_TRUE(summary.is_object()) << path;
    const auto k = mh::conformance::kcidb_from_fuzz_summary(summary, "2026-12-04T03:00:00Z");
    EXPECT_EQ(problems_text(k), "");
    ASSERT_EQ(k["tests"].size(), 1u);
    const auto& t = k["tests"][0];
    EXPECT_EQ(t["path"], "modharness.fuzz.libfuzzer");
    EXPECT_EQ(t["status"], "FAIL");
    EXPECT_EQ(t["misc"]["execs"], 15822);
    EXPECT_EQ(k["issues"].size(), summary["crash_titles"].size());
    EXPECT_EQ(k["incidents"].size(), summary["crash_titles"].size());
    for (const auto& inc : k["incidents"]) EXPECT_EQ(inc["test_id"], t["id"]);
    // A fuzz kernel has no Debian version: the checkout is named by its release.
    EXPECT_EQ(k["checkouts"][0]["id"], "modharness:linux-6_12_117-mhfuzz-sig");
    // The same title from a conformance run is the same issue.
    EXPECT_EQ(k["issues"][0]["id"].get<std::string>().rfind("modharness:kernel-report-", 0), 0u);

    // No crash: PASS; stopped early without one: ERROR.
    summary["crash_titles"] = nlohmann::json::array();
    EXPECT_EQ(mh::conformance::kcidb_from_fuzz_summary(summary, "t")["tests"][0]["status"], "PASS");
    summary["stop_reason"] = "results could not be stored";
    const auto stopped = mh::conformance::kcidb_from_fuzz_summary(summary, "t");
    EXPECT_EQ(stopped["tests"][0]["status"], "ERROR");
    EXPECT_FALSE(stopped.contains("issues"));
    EXPECT_EQ(problems_text(stopped), "");
}
