// A module synthesised without a compiler from the kernel's profile loads on real Debian kernels
// and its init returns the chosen value; one that returns 0 loads and unloads.
#include <gtest/gtest.h>

#include "tests/vm/vm_test_support.h"

using namespace mh;

class SynthVm : public ::testing::TestWithParam<const char*> {};

TEST_P(SynthVm, SynthesisedModulesLoad) {
    auto run = vmtest::run_cases(GetParam(), R"(
id=synth-sentinel-finit call=finit image=synth:-131             expect=ENOTRECOVERABLE
id=synth-eio-init       call=init  image=synth:-5:mh_synth_eio  expect=EIO
id=synth-zero-finit     call=finit image=synth:0:mh_synth_zero  expect=0
id=synth-zero-again     call=init  image=synth:0:mh_synth_zero  expect=0
id=synth-bad-magic      call=init  image=synth:-131 malform=ehdr-bad-magic expect=ENOEXEC
)",
                                 "synth");
    ASSERT_TRUE(run.ok()) << run.error().message;
    ASSERT_EQ(run->by_id.size(), 5u);
    for (const auto& [id, rec] : run->by_id)
        EXPECT_EQ(rec.outcome.judgement.verdict, verdict::Verdict::Pass) << id << ": " << rec.outcome.judgement.reason;
    // The zero-returning module was unloaded (so loading it again succeeded too).
    ASSERT_TRUE(run->by_id.at("synth-zero-finit").outcome.guest.has_value());
    EXPECT_EQ(run->by_id.at("synth-zero-finit").outcome.guest->get("unload"), "0");
}

INSTANTIATE_TEST_SUITE_P(DebianCloud, SynthVm, ::testing::ValuesIn(vmtest::kTestKernels),
                         [](const ::testing::TestParamInfo<const char*>& p) { return vmtest::kernel_test_name(p.param); });
