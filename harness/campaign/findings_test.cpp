#include "harness/campaign/findings.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mh::campaign {
namespace {

CrashTriage crash(std::string group, std::string title, std::string kind, std::string culprit, int reproduced, size_t differences) {
    CrashTriage c;
    c.group = std::move(group);
    c.title = std::move(title);
    c.culprit_kind = std::move(kind);
    c.culprit = std::move(culprit);
    c.triage.runs = 1;
    c.triage.reproduced_runs = reproduced;
    if (differences > 0) {
        c.triage.seed = "consumer";
        c.triage.differences_before = 10;
        for (size_t i = 0; i < differences; ++i) c.triage.differences.push_back("symbol 11 st_name: " + std::to_string(i));
        mutate::FuzzInput in;
        in.image = {1, 2, 3};
        c.triage.minimised_input = mutate::encode(in);
    }
    return c;
}

// Two titles with one culprit line are one finding; one title with two culprit lines is two;
// module-code faults and crashes without a report stay apart; loader findings come first.
TEST(Findings, DedupeByCulpritNotTitle) {
    Findings f;
    f.kernel = "debian-6.1-cloud";
    f.crashes.push_back(
        crash("a", "BUG: unable to handle page fault in strcmp", "loader", "resolve_symbol kernel/module/main.c:1200", 1, 3));
    f.crashes.push_back(
        crash("b", "BUG: unable to handle page fault in strlen", "loader", "resolve_symbol kernel/module/main.c:1200", 1, 2));
    f.crashes.push_back(
        crash("c", "BUG: unable to handle page fault in strcmp", "loader", "add_kallsyms kernel/module/kallsyms.c:180", 0, 0));
    f.crashes.push_back(
        crash("d", "BUG: unable to handle page fault in mh_consumer_init", "module-code", "mh_consumer_init [mh_consumer]", 1, 1));
    f.crashes.push_back(crash("e", "WARNING in foo", "unsymbolized", "", 0, 0));
    f.crashes.back().has_input = false;
    group_findings(f, {"loader add_kallsyms kernel/module/kallsyms.c:180"});
    ASSERT_EQ(f.findings.size(), 4u);
    EXPECT_EQ(f.findings[0].id, "loader resolve_symbol kernel/module/main.c:1200");
    EXPECT_EQ(f.findings[0].crashes.size(), 2u);
    EXPECT_EQ(f.crashes[f.findings[0].representative].group, "b") << "reproduces with the fewest differences";
    EXPECT_TRUE(f.findings[0].is_new);
    EXPECT_EQ(f.findings[1].id, "loader add_kallsyms kernel/module/kallsyms.c:180");
    EXPECT_FALSE(f.findings[1].is_new) << "in the known findings";
    EXPECT_EQ(f.findings[2].kind, "module-code");
    EXPECT_EQ(f.findings[3].id, "unsymbolized WARNING in foo");
    EXPECT_EQ(f.new_loader_bugs(), 1u);
}

// findings.json: the schema, counts per class, every crash with its status (not-reproducing and
// input-less ones included), and it reads back as known ids.
TEST(Findings, JsonSchemaAndKnownIds) {
    Findings f;
    f.crashes.push_back(crash("a", "t1", "loader", "resolve_symbol kernel/module/main.c:1200", 1, 2));
    f.crashes.push_back(crash("b", "t2", "loader", "add_kallsyms kernel/module/kallsyms.c:180", 0, 0));
    f.crashes.push_back(crash("c", "t3", "module-code", "mh_consumer_init [mh_consumer]", 1, 0));
    f.crashes.back().has_input = false;
    f.crashes.push_back(crash("d", "t4", "unsymbolized", "", 0, 0));
    f.crashes.back().error = "the replay VM did not boot";
    group_findings(f, {});
    const auto j = nlohmann::json::parse(findings_json(f));
    EXPECT_EQ(j["schema"], "modharness.findings/1");
    EXPECT_EQ(j["counts"]["loader"], 2);
    EXPECT_EQ(j["counts"]["module-code"], 1);
    ASSERT_EQ(j["crashes"].size(), 4u);
    EXPECT_EQ(j["crashes"][0]["status"], "reproduces");
    EXPECT_EQ(j["crashes"][1]["status"], "did-not-reproduce");
    EXPECT_EQ(j["crashes"][2]["status"], "no-input");
    EXPECT_EQ(j["crashes"][3]["status"], "error");
    EXPECT_EQ(j["crashes"][3]["error"], "the replay VM did not boot");
    EXPECT_EQ(j["findings"][0]["representative"]["differences"].size(), 2u);
    EXPECT_EQ(j["findings"][0]["representative"]["call"], "init_module flags=0 params=\"\"");
    auto ids = known_finding_ids(findings_json(f));
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(ids->size(), 4u);
    EXPECT_TRUE(ids->count("loader resolve_symbol kernel/module/main.c:1200"));
    EXPECT_FALSE(known_finding_ids("{\"x\":1}").ok());
    const std::string md = findings_markdown(f);
    EXPECT_NE(md.find("## loader resolve_symbol kernel/module/main.c:1200"), std::string::npos) << md;
    EXPECT_NE(md.find("the crash needs 2 of 10 differences from seed `consumer`"), std::string::npos) << md;
    EXPECT_NE(md.find("no input (taken with the VM)"), std::string::npos) << md;
}

}  // namespace
}  // namespace mh::campaign
