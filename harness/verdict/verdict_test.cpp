// Verdict priorities and errno matching.
#include "harness/verdict/verdict.h"

#include <gtest/gtest.h>

using namespace mh;
using namespace mh::verdict;

TEST(Verdict, PassFailRan) {
    Observation o;
    o.has_result = true;
    o.ret = -1;
    o.err = 8;
    EXPECT_EQ(judge(o, std::vector<int>{8}).verdict, Verdict::Pass);
    auto f = judge(o, std::vector<int>{9, 22});
    EXPECT_EQ(f.verdict, Verdict::Fail);
    EXPECT_EQ(f.reason, "got ENOEXEC, expected EBADF|EINVAL");
    EXPECT_EQ(judge(o, std::nullopt).verdict, Verdict::Ran);
    o.ret = 0;
    o.err = 0;
    EXPECT_EQ(judge(o, std::vector<int>{0}).verdict, Verdict::Pass);
    EXPECT_EQ(judge(o, std::vector<int>{8}).verdict, Verdict::Fail);
}

TEST(Verdict, KernelBeatsEverything) {
    Observation o;
    o.has_result = true;
    o.ret = -1;
    o.err = 8;
    kernel_log::CrashReport r;
    r.kind = kernel_log::CrashKind::Warning;
    r.title = "WARNING in foo";
    o.crashes.push_back(r);
    auto j = judge(o, std::vector<int>{8});
    EXPECT_EQ(j.verdict, Verdict::Kernel);
    EXPECT_EQ(j.title, "WARNING in foo");
    Observation died;
    died.vm_event = "died";
    EXPECT_EQ(judge(died, std::vector<int>{8}).verdict, Verdict::Kernel);
    Observation hang;
    hang.timed_out = true;
    EXPECT_EQ(judge(hang, std::nullopt).verdict, Verdict::Kernel);
    Observation flood;
    flood.vm_event = "flood";
    auto fj = judge(flood, std::vector<int>{8});
    EXPECT_EQ(fj.verdict, Verdict::Kernel);
    EXPECT_EQ(fj.title, "console flood");
}

TEST(Verdict, Broken) {
    Observation o;
    o.setup_error = "open /x: ENOENT";
    EXPECT_EQ(judge(o, std::vector<int>{8}).verdict, Verdict::Brok);
    Observation none;
    EXPECT_EQ(judge(none, std::vector<int>{8}).verdict, Verdict::Brok);
    Observation nb;
    nb.vm_event = "no-boot";
    EXPECT_EQ(judge(nb, std::nullopt).verdict, Verdict::Brok);
}

TEST(Verdict, ConcurrentCallersMustAllConform) {
    Observation o;
    o.has_result = true;
    o.caller_rets = {0, -1, -1};
    o.caller_errs = {0, 17, 17};
    auto j = judge(o, std::vector<int>{0, 17});
    EXPECT_EQ(j.verdict, Verdict::Pass);
    EXPECT_EQ(j.reason, "0,EEXIST,EEXIST");
    EXPECT_EQ(judge(o, std::vector<int>{0}).verdict, Verdict::Fail);
}
