// Result records: JSON round trip of the outcome, and reading a results.jsonl cut by a crash.
#include "harness/session/result_json.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include "harness/common/files.h"

using namespace mh;
using namespace mh::session;

namespace {

HostCase host_case() {
    auto hc = parse_host_case("id=c1 call=finit image=seed:ok flags=0x100 expect=EINVAL", "t:1", 0);
    EXPECT_TRUE(hc.ok());
    return *hc;
}

CaseOutcome outcome() {
    CaseOutcome co;
    co.idx = 0;
    co.id = "c1";
    KvRecord g;
    g.set("ret", "-1");
    g.set("errno", "22");
    g.set("ns", "1234");
    g.set("kmsg", "line one\nline two");
    co.guest = g;
    co.observation.has_result = true;
    co.observation.ret = -1;
    co.observation.err = 22;
    co.observation.taint_after = 0x3000;
    co.judgement.verdict = verdict::Verdict::Pass;
    co.judgement.reason = "EINVAL";
    co.vm_index = 2;
    return co;
}

}  // namespace

TEST(ResultJson, OutcomeRoundTrip) {
    kernels::Kernel k;
    k.name = "debian-6.1-cloud";
    auto j = result_to_json(host_case(), outcome(), k);
    EXPECT_EQ(j["schema"], kResultSchema);
    EXPECT_EQ(j["errno"], "EINVAL");
    EXPECT_EQ(j["taint_added"], "OE");
    auto back = outcome_from_json(j);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->id, "c1");
    EXPECT_EQ(back->judgement.verdict, verdict::Verdict::Pass);
    EXPECT_EQ(back->observation.err, 22);
    EXPECT_EQ(back->observation.taint_after, 0x3000u);
    EXPECT_EQ(back->guest->get("kmsg"), "line one\nline two");
    EXPECT_EQ(back->vm_index, 2);
    EXPECT_FALSE(outcome_from_json(nlohmann::json::object()).ok());
    EXPECT_FALSE(outcome_from_json(nlohmann::json{{"schema", kResultSchema}, {"id", "x"}, {"verdict", "MAYBE"}}).ok());
}

TEST(ResultJson, TornLastLineIsCutAndGarbageSkipped) {
    kernels::Kernel k;
    auto line = result_to_json(host_case(), outcome(), k).dump();
    auto other = outcome();
    other.id = "c2";
    auto line2 = result_to_json(host_case(), other, k).dump();
    auto path = std::filesystem::path(::testing::TempDir()) / "torn-results.jsonl";
    {
        std::ofstream out(path, std::ios::trunc);
        out << line << "\n"
            << "{not json}\n"
            << line2 << "\n"
            << line2.substr(0, line2.size() / 2);
    }
    auto r = read_recorded_results(path);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->by_id.size(), 2u);
    EXPECT_EQ(r->dropped, 2u);  // the garbage line and the torn tail
    // The torn tail is gone: the file now ends with a newline, ready for appending.
    const std::string after = read_text_file(path).value_or("");
    EXPECT_EQ(after.back(), '\n');
    EXPECT_EQ(after.size(), line.size() + 1 + 11 + line2.size() + 1);
    auto missing = read_recorded_results(std::filesystem::path(::testing::TempDir()) / "no-such.jsonl");
    ASSERT_TRUE(missing.ok());
    EXPECT_TRUE(missing->by_id.empty());
}

TEST(ResultJson, WrongTypesAndRangesReadAsDefaultsNotExceptions) {
    // A results.jsonl edited by hand or by another tool: --resume must not abort on it.
    auto j = nlohmann::json::parse(R"({"schema":"modharness.result/1","id":"c1","verdict":"PASS","idx":"7",
        "ret":1e300,"errno":5,"signal":99999999999,"taint_after":-1,"timed_out":"yes","vm":[1],
        "callers":[1,"EINVAL",null],"crashes":[3,{"title":7},{"title":"t"}],"kmsg":["a",2,"b"],"ns":"x",
        "reason":{},"console_log":false})");
    auto co = outcome_from_json(j);
    ASSERT_TRUE(co.ok()) << co.error().message;
    EXPECT_EQ(co->idx, 0);
    EXPECT_EQ(co->observation.ret, 0);
    EXPECT_EQ(co->observation.signal, 0);
    EXPECT_EQ(co->observation.taint_after, 0u);
    EXPECT_FALSE(co->observation.timed_out);
    EXPECT_EQ(co->observation.caller_errs, (std::vector<int>{0, 22, 0}));
    ASSERT_EQ(co->observation.crashes.size(), 3u);
    EXPECT_EQ(co->observation.crashes[2].title, "t");
    EXPECT_EQ(co->guest->get("kmsg"), "a\nb");
    EXPECT_EQ(co->vm_index, 0);
    EXPECT_FALSE(outcome_from_json(nlohmann::json::parse(R"({"schema":"modharness.result/1","id":5,"verdict":"PASS"})")).ok());
    EXPECT_FALSE(outcome_from_json(nlohmann::json::parse(R"({"schema":7})")).ok());
}

TEST(ResultJson, ResultLineSurvivesRawConsoleBytesAndBadGuestNumbers) {
    // Console excerpts are raw serial bytes (a malformed module's name can put 0xff there), and a
    // guest frame may carry a non-number: the line is still written and reads back.
    CaseOutcome co = outcome();
    co.console_excerpt = std::string("BUG: in mod\xff\xfe\n", 14);
    co.judgement.title = "BUG in \xc3";
    co.guest->set("ns", "12x");
    std::string line = result_line(host_case(), co, kernels::Kernel{});
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_FALSE(j.contains("ns"));
    auto back = parse_recorded_results(line + "\n");
    EXPECT_EQ(back.dropped, 0u);
    EXPECT_EQ(back.by_id.count("c1"), 1u);
}

TEST(ResultJson, ParseRecordedResultsCountsWhatItDrops) {
    auto good = result_line(host_case(), outcome(), kernels::Kernel{});
    auto r = parse_recorded_results(good + "\n\nnot json\n{\"schema\":\"other\"}\n" + good.substr(0, 20));
    EXPECT_EQ(r.by_id.size(), 1u);
    EXPECT_EQ(r.dropped, 3u);  // garbage, wrong schema, torn last line
}
