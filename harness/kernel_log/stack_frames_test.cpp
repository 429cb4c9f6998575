// Tests for the frames of kernel reports: a real 6.1 oops (a KERNEL verdict of the 6.1 cloud
// baseline, mal-this-module-nobits), module frames, unreliable frames and text that is not a frame.
#include "harness/kernel_log/stack_frames.h"

#include <gtest/gtest.h>

using namespace mh::kernel_log;

TEST(StackFrames, ARealOopsGivesItsIpAndEveryFrameInOrder) {
    const std::string report =
        "[   13.475299] kernel BUG at lib/list_debug.c:49!\n"
        "[   13.476139] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n"
        "[   13.476898] RIP: 0010:__list_del_entry_valid.cold+0xf/0x6f\n"
        "[   13.477126] Code: 48 c7 c7 a8 0d 2a a9 e8 c1 1b f9 ff 0f 0b\n"
        "[   13.480453] Call Trace:\n"
        "[   13.480500]  <TASK>\n"
        "[   13.480566]  free_module+0x81/0x160\n"
        "[   13.480600]  ? mh_oops_init+0x10/0x20 [mh_oops]\n"
        "[   13.480700]  load_module+0x1f2a/0x2190\n"
        "[   13.480800]  [<ffffffff8113f1a4>] __do_sys_finit_module+0xa4/0x100\n"
        "[   13.480900]  </TASK>\n";
    const auto f = parse_stack_frames(report);
    ASSERT_EQ(f.size(), 5u);
    EXPECT_TRUE(f[0].ip);
    EXPECT_EQ(f[0].function, "__list_del_entry_valid.cold");
    EXPECT_EQ(f[0].offset, 0xfu);
    EXPECT_EQ(f[0].size, 0x6fu);
    EXPECT_EQ(f[0].line, 2u);
    EXPECT_EQ(f[1].function, "free_module");
    EXPECT_EQ(f[1].offset, 0x81u);
    EXPECT_FALSE(f[1].ip);
    EXPECT_TRUE(f[1].reliable);
    EXPECT_TRUE(f[1].module.empty());
    EXPECT_EQ(f[2].function, "mh_oops_init");
    EXPECT_FALSE(f[2].reliable);
    EXPECT_EQ(f[2].module, "mh_oops");
    EXPECT_EQ(f[3].offset, 0x1f2au);
    EXPECT_EQ(f[4].function, "__do_sys_finit_module");
    EXPECT_EQ(f[4].line, 9u);
}

TEST(StackFrames, TextThatIsNotAFrameGivesNone) {
    EXPECT_TRUE(parse_stack_frames("").empty());
    EXPECT_TRUE(parse_stack_frames("mh: loading +0x12/0x20\nRIP: 0033:0x7f12345678\n a+b\n").empty());
    EXPECT_TRUE(parse_stack_frames(" func+0xzz/0x10\n func+0x10/\n").empty());
    // A user-space RIP has no symbol; a kernel one without a size still counts.
    const auto f = parse_stack_frames("RIP: 0010:strlen+0x0\n");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].size, 0u);
}

// The functions a bisect ranks changelog entries by: distinct, in order, clone suffixes dropped.
TEST(StackFunctions, FramesOfAnOops) {
    const std::string log =
        "[   13.476898] RIP: 0010:__list_del_entry_valid.cold+0xf/0x6f\n"
        "[   13.480453]  <TASK>\n"
        "[   13.480566]  free_module+0x81/0x160\n"
        "[   13.481023]  __do_sys_init_module+0x17f/0x1b0\n"
        "[   13.481402]  ? handle_mm_fault+0xdb/0x2d0\n"
        "[   13.481500]  free_module+0x81/0x160\n"
        "[   13.481600]  mh_oops_init+0x5/0x10 [mh_oops]\n";
    EXPECT_EQ(frame_functions(log), (std::vector<std::string>{"__list_del_entry_valid", "free_module", "__do_sys_init_module",
                                                              "handle_mm_fault", "mh_oops_init"}));
    EXPECT_TRUE(frame_functions("no frames here\n").empty());
}
