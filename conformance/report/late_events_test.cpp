// Kernel reports between cases (run["events"]) in every report: the text summary, JUnit, HTML and
// the diff show each one as a KERNEL finding of the case that ran last, marked late.
#include <gtest/gtest.h>

#include "conformance/report/html_report.h"
#include "conformance/report/junit_xml.h"
#include "conformance/report/run_diff.h"
#include "conformance/report/summary_text.h"
#include "conformance/report/test_support.h"

namespace mh::conformance {
namespace {

nlohmann::json with_late_event(nlohmann::json run) {
    run["events"] = nlohmann::json::array();
    run["events"].push_back({{"schema", "modharness.event/1"},
                             {"group", "default"},
                             {"kind", "late-kernel-report"},
                             {"late", true},
                             {"after_idx", 3},
                             {"after_id", "f1-closed-finit"},
                             {"vm", 2},
                             {"verdict", "KERNEL"},
                             {"title", "WARNING in deferred_fn"},
                             {"console_excerpt", "WARNING: CPU: 0 PID: 7 at deferred_fn+0x1/0x2"},
                             {"console_log", "out/default/console-2.log"}});
    return run;
}

TEST(LateEvents, SummaryTextListsThem) {
    std::string t = summary_text(with_late_event(testing::run_a()));
    EXPECT_NE(t.find("kernel reports between cases (1, each counted as KERNEL):"), std::string::npos) << t;
    EXPECT_NE(t.find("KERNEL late kernel report after default/f1-closed-finit (VM 2): WARNING in deferred_fn"), std::string::npos) << t;
    EXPECT_EQ(summary_text(testing::run_a()).find("between cases"), std::string::npos);
}

TEST(LateEvents, GroupLineCountsLateReportsAndBadFrames) {
    auto run = testing::run_b();
    for (auto& g : run["groups"])
        if (g.value("name", "") == "sigenforce") g["late_kernel_events"] = 1, g["bad_frames"] = 3;
    std::string t = summary_text(run);
    EXPECT_NE(t.find("  group sigenforce: 1 cases, 1 VMs, 0 boot failures, 0 kernel events (1 late), 3 bad frames, 3.1 s\n"),
              std::string::npos)
        << t;
}

TEST(LateEvents, JunitHasAKernelErrorPerEvent) {
    std::string plain = junit_xml(testing::run_a());
    std::string x = junit_xml(with_late_event(testing::run_a()));
    EXPECT_NE(x.find("tests=\"15\" failures=\"1\" errors=\"3\""), std::string::npos) << x.substr(0, 400);
    EXPECT_NE(x.find("<testcase name=\"late-kernel-report after f1-closed-finit (VM 2)\""), std::string::npos);
    EXPECT_NE(x.find("<error type=\"KERNEL\" message=\"WARNING in deferred_fn\">late: printed after case f1-closed-finit"),
              std::string::npos);
    EXPECT_EQ(plain.find("late-kernel-report"), std::string::npos);
}

TEST(LateEvents, HtmlHasASection) {
    std::string h = html_report(with_late_event(testing::run_a()));
    EXPECT_NE(h.find("Kernel reports between cases (KERNEL, 1)"), std::string::npos);
    EXPECT_NE(h.find("late kernel report after default/f1-closed-finit (VM 2): WARNING in deferred_fn"), std::string::npos);
}

TEST(LateEvents, DiffShowsAnEventOnlyOneRunHas) {
    auto a = testing::run_a();
    auto d = diff_runs(a, with_late_event(a));
    EXPECT_FALSE(diff_is_empty(d));
    ASSERT_EQ(d["events"]["only_b"].size(), 1u);
    EXPECT_EQ(d["events"]["only_b"][0]["after_id"], "f1-closed-finit");
    EXPECT_TRUE(d["events"]["only_a"].empty());
    EXPECT_NE(diff_text(d).find("only B   KERNEL late, after default/f1-closed-finit: WARNING in deferred_fn"), std::string::npos)
        << diff_text(d);
    EXPECT_TRUE(diff_is_empty(diff_runs(with_late_event(a), with_late_event(a))));
}

}  // namespace
}  // namespace mh::conformance
