// triage.json and affected.json read back (triage --reuse).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/campaign/affected.h"
#include "harness/campaign/triage.h"

namespace mh::campaign {
namespace {

TEST(TriageJson, WrittenThenReadBackKeepsWhatTheFindingsShow) {
    TriageResult r;
    r.expected_title = "BUG: unable to handle page fault in __memcpy";
    r.observed_title = r.expected_title;
    r.runs = 1;
    r.reproduced_runs = 1;
    r.minimised = true;
    r.minimise_steps = {"image: 19 differences from seed 'consumer' -> 2 in 13 VMs"};
    r.input_bytes = 22856;
    r.minimised_bytes = 22856;
    r.seed = "consumer";
    r.differences_before = 19;
    r.differences = {"ELF header e_shoff: 0x2c78 -> 0x4eb8", "after the seed's end (0x36b8): 8832 bytes appended"};
    r.vms = 14;
    auto back = parse_triage_json(triage_json(r));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->expected_title, r.expected_title);
    EXPECT_TRUE(back->reproduces());
    EXPECT_EQ(back->seed, "consumer");
    EXPECT_EQ(back->differences, r.differences);
    EXPECT_EQ(back->differences_before, 19u);
    EXPECT_EQ(back->minimise_steps, r.minimise_steps);
    EXPECT_FALSE(back->structural_exhausted);
    EXPECT_EQ(back->vms, 14);
    EXPECT_TRUE(back->kept.empty());  // not in the file
}

// An older file without the newer keys reads with their defaults; a non-triage file is an error.
TEST(TriageJson, MissingKeysDefaultAndForeignFilesAreErrors) {
    auto old = parse_triage_json(R"({"schema":"modharness.triage/1","runs":2,"reproduced_runs":0})");
    ASSERT_TRUE(old) << old.error().message;
    EXPECT_EQ(old->runs, 2);
    EXPECT_FALSE(old->reproduces());
    EXPECT_TRUE(old->differences.empty());
    EXPECT_FALSE(parse_triage_json("{not json"));
    EXPECT_FALSE(parse_triage_json(R"({"schema":"modharness.affected/1"})"));
    EXPECT_FALSE(parse_triage_json(R"([1,2])"));
    auto wrong_type = parse_triage_json(R"({"schema":"modharness.triage/1","runs":"two"})");
    ASSERT_FALSE(wrong_type);
    EXPECT_NE(wrong_type.error().message.find("triage.json"), std::string::npos);
}

TEST(AffectedJson, OutcomesReadBackInOrder) {
    AffectedOptions o;
    o.seed = "consumer";
    o.title = "BUG: unable to handle page fault in strcmp";
    std::vector<KernelOutcome> outcomes = {
        {"6.1.0-57-cloud-amd64", "6.1.0-57-cloud-amd64", "crash", o.title, "", 4.5},
        {"fuzz-6.12", "6.12.118-mhfuzz", "not-portable", "", "no section .foo in this build", 0},
    };
    auto back = parse_affected_json(affected_json(o, outcomes));
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].outcome, "crash");
    EXPECT_EQ((*back)[0].title, o.title);
    EXPECT_EQ((*back)[1].release, "6.12.118-mhfuzz");
    EXPECT_EQ((*back)[1].detail, "no section .foo in this build");
    EXPECT_FALSE(parse_affected_json(R"({"schema":"modharness.affected/1"})"));
    EXPECT_FALSE(parse_affected_json(R"({"schema":"modharness.triage/1","kernels":[]})"));
}

}  // namespace
}  // namespace mh::campaign
