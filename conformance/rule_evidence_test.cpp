// Evidence per rule: recorded cases judged again under the contract, per run (kernel), with the
// rules no run exercised marked source only.
#include "conformance/rule_evidence.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace mh::conformance {
namespace {

using nlohmann::json;

Contract contract() {
    auto c = parse_contract(
        "class A | 3.3 | a\nclass B | 3.1 | b\nclass K | 3.9 | k\nclass R | 3.6 | r\nclass N | 3.7 | n\n"
        "rule A | * | - | EBADF | - | src-a | -\n"
        "rule B | * | sig_enforce | EKEYREJECTED | - | src-b | -\n"
        "rule B | * | !sig_enforce | sentinel | - | src-b2 | -\n"
        "rule K | -6.3.999 | - | 0,EEXIST | - | src-k-old | -\n"
        "rule K | 6.4- | - | 0 | - | src-k-new | -\n"
        "rule R | * | - | * | - | src-r | -\n"
        "rule R:some-row | * | - | ENOEXEC | - | src-r-row | -\n"
        "rule N | * | - | ENOENT | - | src-n | -\n",
        "t");
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? *c : Contract{};
}

json run(const std::string& version, json cases) {
    return {{"schema", "modharness.conformance/1"},
            {"kernel", {{"name", "k-" + version}, {"release", version + "-x"}, {"version", version}, {"config", json::object()}}},
            {"groups", {{{"name", "default"}, {"cmdline", json::array()}}, {{"name", "enf"}, {"cmdline", {"module.sig_enforce=1"}}}}},
            {"cases", cases}};
}

const json& rule(const json& ev, const std::string& name, const std::string& kernels = "") {
    for (const auto& r : ev["rules"])
        if (r["rule"] == name && (kernels.empty() || r["kernels"] == kernels)) return r;
    static const json none;
    ADD_FAILURE() << "no rule " << name;
    return none;
}

TEST(RuleEvidence, JudgesRecordedCasesAgainPerRun) {
    json old_run = run("6.1.192", {{{"group", "default"}, {"id", "a1"}, {"class", "A"}, {"errno", "EBADF"}},
                                   {{"group", "default"}, {"id", "a2"}, {"class", "A"}, {"errno", "EINVAL"}},
                                   {{"group", "enf"}, {"id", "b1"}, {"class", "B"}, {"errno", "EKEYREJECTED"}},
                                   {{"group", "default"}, {"id", "b2"}, {"class", "B"}, {"errno", "ENOTRECOVERABLE"}},
                                   {{"group", "default"}, {"id", "k1"}, {"class", "K"}, {"errno", "-"}, {"callers", {"0", "EEXIST"}}},
                                   {{"group", "default"}, {"id", "r1"}, {"class", "R"}, {"verdict", "KERNEL"}},
                                   {{"group", "default"}, {"id", "r2"}, {"class", "R"}, {"malformation", "some-row"}, {"errno", "ENOEXEC"}},
                                   {{"group", "default"}, {"id", "x"}, {"class", "Z9"}, {"errno", "EIO"}}});
    json new_run = run("6.12.117", {{{"group", "default"}, {"id", "a1"}, {"class", "A"}, {"errno", "EBADF"}},
                                    {{"group", "default"}, {"id", "k1"}, {"class", "K"}, {"callers", {"0", "EEXIST"}}},
                                    {{"group", "default"}, {"id", "r3"}, {"class", "R"}, {"errno", "0"}}});
    json ev = rule_evidence(contract(), {{"old.json", old_run}, {"new.json", new_run}});
    EXPECT_EQ(ev["schema"], "modharness.evidence/1");
    ASSERT_EQ(ev["runs"].size(), 2u);
    EXPECT_EQ(ev["runs"][0]["cases"], 8);
    EXPECT_EQ(ev["runs"][0]["matched"], 7);  // class Z9 has no rule
    EXPECT_EQ(ev["runs"][1]["source"], "new.json");

    const auto& a = rule(ev, "A");
    EXPECT_EQ(a["status"], "contradicted");
    ASSERT_EQ(a["observed"].size(), 2u);
    EXPECT_EQ(a["observed"][0]["consistent"], 1);
    EXPECT_EQ(a["observed"][0]["contradicted"], 1);
    EXPECT_EQ(a["observed"][0]["contradicting"], json({"default/a2"}));
    EXPECT_EQ(a["observed"][1]["version"], "6.12.117");
    // The group's command line decides which B rule a case falls under.
    EXPECT_EQ(rule(ev, "B")["status"], "observed");
    EXPECT_EQ(ev["rules"][1]["observed"][0]["results"], json({"EKEYREJECTED"}));
    EXPECT_EQ(ev["rules"][2]["observed"][0]["results"], json({"ENOTRECOVERABLE"}));
    // Version ranges: the old rule is observed on 6.1 only; the new one on 6.12 is contradicted by
    // the second caller's EEXIST (concurrent callers all count).
    const auto& k_old = rule(ev, "K", "-6.3.999");
    EXPECT_EQ(k_old["status"], "observed");
    ASSERT_EQ(k_old["observed"].size(), 1u);
    EXPECT_EQ(k_old["observed"][0]["version"], "6.1.192");
    EXPECT_EQ(rule(ev, "K", "6.4-")["status"], "contradicted");
    // "*" rules record; a malformation's own rule beats its class's; cases without a result count apart.
    const auto& r = rule(ev, "R");
    EXPECT_EQ(r["status"], "recorded");
    EXPECT_EQ(r["observed"][0]["no_result"], 1);
    EXPECT_EQ(r["observed"][0]["kernel_reports"], 1);
    EXPECT_EQ(rule(ev, "R:some-row")["status"], "observed");
    EXPECT_EQ(rule(ev, "N")["status"], "source-only");
    EXPECT_EQ(rule(ev, "N")["observed"], json::array());
    EXPECT_EQ(ev["summary"]["source-only"], 1);
}

TEST(RuleEvidence, CommittedBaselinesAreFound) {
    auto dir = std::filesystem::path(std::getenv("MH_SOURCE_DIR")) / "conformance";
    auto paths = baseline_runs(dir);
    ASSERT_GE(paths.size(), 2u);
    auto runs = load_recorded_runs(paths);
    ASSERT_TRUE(runs.ok()) << runs.error().message;
    auto c = load_contract(dir / "contract.txt");
    ASSERT_TRUE(c.ok()) << c.error().message;
    auto ev = rule_evidence(*c, *runs);
    EXPECT_EQ(ev["rules"].size(), c->rules.size());
    EXPECT_FALSE(load_recorded_runs({dir / "no-such-run"}).ok());
}

}  // namespace
}  // namespace mh::conformance
