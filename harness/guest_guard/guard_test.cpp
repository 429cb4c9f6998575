// The guard refuses everything but PID 1 on an initramfs with a matching token.
#include "harness/guest_guard/guard.h"

#include <gtest/gtest.h>

using namespace mh::guest_guard;

namespace {
GuardFacts good() {
    GuardFacts f;
    f.pid = 1;
    f.token = "0123456789abcdef0123";
    f.cmdline = "console=ttyS0 modharness.guest=0123456789abcdef0123 panic=-1\n";
    f.root_fs_magic = 0x858458f6;
    return f;
}
}  // namespace

TEST(Guard, AllowsHarnessVm) { EXPECT_EQ(refusal_reason(good()), std::nullopt); }

TEST(Guard, RefusesEachMissingCondition) {
    auto f = good();
    f.pid = 4242;
    EXPECT_TRUE(refusal_reason(f));
    f = good();
    f.root_fs_magic = 0xEF53;  // ext4
    EXPECT_TRUE(refusal_reason(f));
    f = good();
    f.token.reset();
    EXPECT_TRUE(refusal_reason(f));
    f = good();
    f.cmdline = "console=ttyS0 panic=-1";
    EXPECT_TRUE(refusal_reason(f));
    f = good();
    f.cmdline = "modharness.guest=0123456789abcdef0124";
    EXPECT_TRUE(refusal_reason(f));
    f = good();
    f.token = "short";
    f.cmdline = "modharness.guest=short";
    EXPECT_TRUE(refusal_reason(f));
}

TEST(Guard, CmdlineValue) {
    EXPECT_EQ(cmdline_value("a=1 modharness.start=7 b", "modharness.start="), "7");
    EXPECT_EQ(cmdline_value("xmodharness.start=7", "modharness.start="), std::nullopt);
    EXPECT_EQ(cmdline_value("", "a="), std::nullopt);
}
