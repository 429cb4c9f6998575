// Titles of crashes the kernel printed no report for: hangs, taints, engine deaths, lost VMs.
#include "harness/kernel_log/crash_title.h"

#include <gtest/gtest.h>

namespace mh::kernel_log {
namespace {

TEST(UnreportedCrashTitle, NamesHowTheRunEnded) {
    EXPECT_EQ(unreported_crash_title("hang", "W"), "hang: module syscall did not return");
    EXPECT_EQ(unreported_crash_title("taint", "W"), "taint: W");
    EXPECT_EQ(unreported_crash_title("taint", "?"), "taint: ?");
    EXPECT_EQ(unreported_crash_title("exit-1", ""), "engine died: exit-1");
    EXPECT_EQ(unreported_crash_title("signal-11", ""), "engine died: signal-11");
    EXPECT_EQ(unreported_crash_title("vm-lost", ""), "VM lost: vm-lost");
    EXPECT_EQ(unreported_crash_title("idle", ""), "VM lost: idle");
    EXPECT_EQ(unreported_crash_title("?", ""), "VM lost: ?");
}

TEST(UnreportedCrashTitle, EngineDeathIsExitOrSignal) {
    EXPECT_TRUE(is_engine_death("exit-0"));
    EXPECT_TRUE(is_engine_death("signal-6"));
    EXPECT_FALSE(is_engine_death("hang"));
    EXPECT_FALSE(is_engine_death("exit"));
    EXPECT_FALSE(is_engine_death("vm-exit-1"));
}

}  // namespace
}  // namespace mh::kernel_log
