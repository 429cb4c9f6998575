// Fault seeds on real kernels: oops, WARN and a hang in init are KERNEL with a title, the VM is
// replaced and the next case still runs; parameter errors come back as the contract says.
#include <gtest/gtest.h>

#include "tests/vm/vm_test_support.h"

using namespace mh;

class FaultsVm : public ::testing::TestWithParam<const char*> {};

TEST_P(FaultsVm, KernelEventsAreContainedAndTitled) {
    auto run = vmtest::run_cases(GetParam(), R"(
id=oops        call=finit image=seed:oops timeout_ms=5000
id=after-oops  call=finit image=seed:sentinel expect=sentinel
id=warn        call=init  image=seed:warn timeout_ms=5000
id=after-warn  call=finit image=seed:sentinel expect=sentinel
id=hang        call=finit image=seed:hang timeout_ms=3000
id=after-hang  call=init  image=seed:sentinel expect=sentinel
id=param-ret   call=finit image=seed:params params=ret=-5 expect=EIO
id=param-junk  call=init  image=seed:params params=ival=abc expect=EINVAL
id=param-range call=finit image=seed:params params=ival=99999999999 expect=ERANGE
id=param-unknown call=finit image=seed:params params=nosuchparam=1 expect=0
)", "faults");
    ASSERT_TRUE(run.ok()) << run.error().message;
    const auto& by = run->by_id;
    ASSERT_EQ(by.size(), 10u);
    auto kernel = [&](const char* id, const char* title_part) {
        const auto& o = by.at(id).outcome;
        EXPECT_EQ(o.judgement.verdict, report::Verdict::Kernel) << id << ": " << o.judgement.reason;
        EXPECT_NE(o.judgement.title.find(title_part), std::string::npos) << id << ": " << o.judgement.title;
    };
    kernel("oops", "mh_oops_init");
    kernel("warn", "WARNING");
    kernel("hang", "hang");
    for (const char* id : {"after-oops", "after-warn", "after-hang", "param-ret", "param-junk", "param-range", "param-unknown"})
        EXPECT_EQ(by.at(id).outcome.judgement.verdict, report::Verdict::Pass) << id << ": " << by.at(id).outcome.judgement.reason;
    // Each kernel event cost exactly one VM: 3 events -> 4 VMs.
    EXPECT_EQ(run->session.stats.vms, 4);
    EXPECT_LT(by.at("oops").outcome.vm_index, by.at("after-oops").outcome.vm_index);
    EXPECT_LT(by.at("hang").outcome.vm_index, by.at("after-hang").outcome.vm_index);
}

INSTANTIATE_TEST_SUITE_P(DebianCloud, FaultsVm, ::testing::ValuesIn(vmtest::kTestKernels),
                         [](const ::testing::TestParamInfo<const char*>& p) { return vmtest::kernel_test_name(p.param); });
