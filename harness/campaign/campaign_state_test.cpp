// campaign.json and resuming: the file's exact text, a round trip, refusing another campaign's
// state, and reloading PCs, curve and corpus names left by an earlier run.
#include "harness/campaign/campaign_state.h"

#include <gtest/gtest.h>

#include "harness/common/files.h"
#include "harness/host/file_tail.h"
#include "harness/host/test_files.h"

namespace mh::campaign {
namespace {

Totals sample() {
    Totals t;
    t.elapsed_s = 12.5;
    t.engine_s = 8.25;
    t.restart_s = 4;
    t.execs = 1000;
    t.loaded = 20;
    t.vms = 3;
    t.feedback = "kcov";
    t.errnos = {{8, 900}, {22, 80}};
    return t;
}

CampaignOptions options_for(const std::filesystem::path& out) {
    CampaignOptions o;
    o.out = out;
    o.engine = "libfuzzer";
    o.kernel = "fuzz-6.12";
    return o;
}

TEST(CampaignState, FileText) {
    EXPECT_EQ(state_file_text("libfuzzer", "fuzz-6.12", sample(), 2, true),
              "{\n"
              "  \"crash_events\": 2,\n"
              "  \"elapsed_s\": 12.5,\n"
              "  \"engine\": \"libfuzzer\",\n"
              "  \"engine_s\": 8.25,\n"
              "  \"errnos\": {\n"
              "    \"22\": 80,\n"
              "    \"8\": 900\n"
              "  },\n"
              "  \"execs\": 1000,\n"
              "  \"feedback\": \"kcov\",\n"
              "  \"final\": true,\n"
              "  \"kernel\": \"fuzz-6.12\",\n"
              "  \"loaded\": 20,\n"
              "  \"restart_s\": 4.0,\n"
              "  \"schema\": \"modharness.fuzz/1\",\n"
              "  \"vms\": 3\n"
              "}\n");
    EXPECT_NE(state_file_text("libfuzzer", "fuzz-6.12", Totals{}, 0, false).find("\"errnos\": {}"), std::string::npos);
}

TEST(CampaignState, RoundTrip) {
    const auto t = parse_state_file(state_file_text("libfuzzer", "fuzz-6.12", sample(), 2, false), options_for("/tmp/out"));
    ASSERT_TRUE(t.ok()) << t.error().message;
    const Totals want = sample();
    EXPECT_EQ(t->elapsed_s, want.elapsed_s);
    EXPECT_EQ(t->engine_s, want.engine_s);
    EXPECT_EQ(t->restart_s, want.restart_s);
    EXPECT_EQ(t->execs, want.execs);
    EXPECT_EQ(t->loaded, want.loaded);
    EXPECT_EQ(t->vms, want.vms);
    EXPECT_EQ(t->feedback, want.feedback);
    EXPECT_EQ(t->errnos, want.errnos);
}

TEST(CampaignState, RefusesAnotherCampaignsState) {
    const std::string text = state_file_text("libfuzzer", "fuzz-6.12", sample(), 0, false);
    CampaignOptions o = options_for("/tmp/out");
    o.engine = "aflpp";
    auto t = parse_state_file(text, o);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().message, "/tmp/out holds a libfuzzer campaign on fuzz-6.12: use another --out for aflpp on fuzz-6.12");
    o = options_for("/tmp/out");
    o.kernel = "debian";
    EXPECT_FALSE(parse_state_file(text, o).ok());
    for (const char* bad : {"", "not json", "{}", "{\"schema\": \"modharness.fuzz/2\"}"}) {
        auto b = parse_state_file(bad, options_for("/tmp/out"));
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error().message, "/tmp/out/campaign.json is not a modharness campaign state file");
    }
}

TEST(CampaignState, LoadsWhatAnEarlierRunLeft) {
    host::testing::TempDir dir("mh-campaign-state");
    host::testing::write_file(dir.path / "campaign.json", state_file_text("libfuzzer", "fuzz-6.12", sample(), 2, true));
    host::testing::write_file(dir.path / "pcs.txt", "ffffffff81000010\n\nffffffff81000020\nffffffff81000010\n");
    host::testing::write_file(dir.path / "coverage.jsonl",
                              "{\"t\":5.0,\"execs\":10,\"pcs\":1,\"loader\":0,\"crashes\":0}\n"
                              "{\"t\":10.0,\"execs\":20,\"pcs\":2,\"loader\":1,\"crashes\":1}\n"
                              "{\"t\":15");  // torn by a power cut
    host::testing::write_file(dir.path / "corpus" / "a", "x");
    host::testing::write_file(dir.path / "corpus" / "b", "y");
    CampaignOptions o = options_for(dir.path);
    o.is_loader_site = [](uint64_t pc) { return pc == 0xffffffff81000020; };
    CampaignState st;
    auto resumed = load_state(st, o);
    ASSERT_TRUE(resumed.ok()) << resumed.error().message;
    EXPECT_TRUE(*resumed);
    EXPECT_EQ(st.totals.execs, 1000u);
    EXPECT_EQ(st.totals.vms, 3);
    EXPECT_EQ(st.pcs.size(), 2u);
    EXPECT_EQ(st.loader, 1u);
    ASSERT_EQ(st.curve.size(), 2u);
    EXPECT_EQ(st.curve[1].t, 10.0);
    EXPECT_EQ(st.curve[1].execs, 20u);
    EXPECT_EQ(st.curve[1].crashes, 1);
    EXPECT_EQ(st.corpus_names, (std::set<std::string>{"a", "b"}));
}

TEST(CampaignState, FreshDirectoryIsNotAResume) {
    host::testing::TempDir dir("mh-campaign-state");
    CampaignState st;
    auto resumed = load_state(st, options_for(dir.path));
    ASSERT_TRUE(resumed.ok());
    EXPECT_FALSE(*resumed);
    EXPECT_EQ(st.totals.execs, 0u);
    EXPECT_TRUE(st.pcs.empty());
}

TEST(CampaignState, NowAddsTheRunningVms) {
    CampaignState st;
    st.totals = sample();
    st.start(2);
    st.vm_execs = {5, 7};
    st.vm_loaded = {1, 0};
    st.vm_errnos = {{{8, 3}}, {{2, 1}}};
    const Totals t = st.now();
    EXPECT_EQ(t.execs, 1012u);
    EXPECT_EQ(st.execs(), 1012u);
    EXPECT_EQ(t.loaded, 21u);
    EXPECT_EQ(t.errnos, (std::map<int, uint64_t>{{2, 1}, {8, 903}, {22, 80}}));
    EXPECT_GE(t.elapsed_s, 12.5);
    EXPECT_EQ(t.engine_s, 8.25);  // engine time is counted as VMs end
    EXPECT_EQ(st.totals.execs, 1000u);
}

TEST(CampaignState, SaveWritesTheTotalsAsOfNow) {
    host::testing::TempDir dir("mh-campaign-state");
    CampaignState st;
    st.totals = sample();
    st.start(1);
    st.vm_execs = {5};
    ASSERT_TRUE(save_state(st, options_for(dir.path), 4, false).ok());
    auto t = parse_state_file(read_text_file(dir.path / "campaign.json").value_or(""), options_for(dir.path));
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->execs, 1005u);
    EXPECT_GE(t->elapsed_s, 12.5);
}

}  // namespace
}  // namespace mh::campaign
