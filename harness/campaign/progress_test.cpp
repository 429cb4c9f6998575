// The campaign's progress line, and the count and clock forms it and the summary print.
#include "harness/campaign/progress.h"

#include <gtest/gtest.h>

namespace mh::campaign {
namespace {

TEST(Progress, HumanCounts) {
    EXPECT_EQ(human(0), "0");
    EXPECT_EQ(human(999), "999");
    EXPECT_EQ(human(1500), "1.5k");
    EXPECT_EQ(human(1234567), "1.2M");
}

TEST(Progress, ClockText) {
    EXPECT_EQ(clock_text(0), "00:00:00");
    EXPECT_EQ(clock_text(59.9), "00:00:59");
    EXPECT_EQ(clock_text(3725.5), "01:02:05");
    EXPECT_EQ(clock_text(600), "00:10:00");
}

TEST(Progress, LineWithLoaderCoverage) {
    ProgressCounts c;
    c.engine = "libfuzzer";
    c.elapsed_s = 3725.5;
    c.engine_s = 100;
    c.execs = 1234567;
    c.pcs = 2500;
    c.loader = 10;
    c.loader_ceiling = 200;
    c.corpus = 7;
    c.crash_events = 3;
    c.crash_titles = 2;
    c.vms = 4;
    EXPECT_EQ(progress_line(c),
              "[libfuzzer] 01:02:05 execs 1.2M (331/s) loader 10/200 (5.0%), 2.5k pcs corpus 7 crashes 3 (2 titles) vms 4");
}

TEST(Progress, LineWithoutLoaderCoverage) {
    ProgressCounts c;
    c.engine = "random";
    c.elapsed_s = 0.5;  // the rate is over at least a second
    c.execs = 10;
    c.pcs = 999;
    EXPECT_EQ(progress_line(c), "[random] 00:00:00 execs 10 (10/s) 999 pcs corpus 0 crashes 0 (0 titles) vms 0");
}

TEST(Progress, NoRateBeforeAnyTime) {
    ProgressCounts c;
    c.engine = "aflpp";
    c.execs = 5;
    EXPECT_EQ(progress_line(c), "[aflpp] 00:00:00 execs 5 (0/s) 0 pcs corpus 0 crashes 0 (0 titles) vms 0");
}

}  // namespace
}  // namespace mh::campaign
