// The end-to-end slice on real Debian kernels: loads through both syscalls, early rejections,
// and a panicking module whose case is KERNEL while the next case still runs in a fresh VM.
#include <gtest/gtest.h>

#include "harness/sys/errno_names.h"
#include "tests/vm/vm_test_support.h"

using namespace mh;

class SliceVm : public ::testing::TestWithParam<const char*> {};

TEST_P(SliceVm, SliceCases) {
    auto run = vmtest::run_cases(GetParam(), R"(
id=ok-init        call=init  image=seed:ok                expect=0
id=ok-finit       call=finit image=seed:ok                expect=0
id=ok-again       call=finit image=seed:ok                expect=0
id=truncated      call=init  image=seed:ok len=100        expect=ENOEXEC
id=fd-minus1      call=finit image=none fd=minus1         expect=EBADF
id=flags-0x100    call=finit image=seed:ok flags=0x100    expect=EINVAL
id=null-buf       call=init  image=none buf=null len=4096 expect=EFAULT
id=panic          call=finit image=seed:panic timeout_ms=5000
id=after-panic    call=finit image=seed:sentinel          expect=sentinel
)",
                                 "slice");
    ASSERT_TRUE(run.ok()) << run.error().message;
    const auto& by = run->by_id;
    ASSERT_EQ(by.size(), 9u) << "every case has exactly one outcome";
    for (const char* id : {"ok-init", "ok-finit", "ok-again", "truncated", "fd-minus1", "flags-0x100", "null-buf", "after-panic"}) {
        const auto& rec = by.at(id);
        EXPECT_EQ(rec.outcome.judgement.verdict, verdict::Verdict::Pass) << id << ": " << rec.outcome.judgement.reason;
    }
    // ok loaded and was unloaded: the second load of the same module succeeded again.
    ASSERT_TRUE(by.at("ok-finit").outcome.guest.has_value());
    EXPECT_EQ(by.at("ok-finit").outcome.guest->get("unload"), "0");
    const auto& panic = by.at("panic").outcome;
    EXPECT_EQ(panic.judgement.verdict, verdict::Verdict::Kernel);
    EXPECT_NE(panic.judgement.title.find("Kernel panic"), std::string::npos) << panic.judgement.title;
    EXPECT_NE(panic.console_excerpt.find("mh_panic"), std::string::npos);
    // The case after the panic ran in a second, fresh VM.
    EXPECT_EQ(panic.vm_index, 1);
    EXPECT_EQ(by.at("after-panic").outcome.vm_index, 2);
    EXPECT_EQ(run->session.stats.vms, 2);
    EXPECT_TRUE(run->session.stats.completed);
    std::printf("[ metrics  ] %s boot-to-first-result %.2f s, wall %.1f s\n", GetParam(), run->session.stats.first_result_seconds,
                run->session.stats.wall_seconds);
}

INSTANTIATE_TEST_SUITE_P(DebianCloud, SliceVm, ::testing::ValuesIn(vmtest::kTestKernels),
                         [](const ::testing::TestParamInfo<const char*>& p) { return vmtest::kernel_test_name(p.param); });
