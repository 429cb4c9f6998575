// Snapshot reset on real kernels: the batch's guest is saved once at the executor's ready point and
// every VM is restored from it: after an oops the next case runs in a restored VM; a snapshot that
// went stale (its initramfs changed) is taken again; a corrupt one falls back to cold boots, once
// and said; --reset boot never takes one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/vm/vm_test_support.h"

using namespace mh;

namespace {

const char* const kOopsThenSentinels = R"(
id=before      call=finit image=seed:sentinel expect=sentinel
id=oops        call=finit image=seed:oops timeout_ms=5000
id=after-oops  call=finit image=seed:sentinel expect=sentinel
id=param-junk  call=init  image=seed:params params=ival=abc expect=EINVAL
)";

void expect_all_judged(const vmtest::Run& run) {
    ASSERT_EQ(run.by_id.size(), 4u);
    EXPECT_EQ(run.by_id.at("oops").outcome.judgement.verdict, verdict::Verdict::Kernel);
    for (const char* id : {"before", "after-oops", "param-junk"})
        EXPECT_EQ(run.by_id.at(id).outcome.judgement.verdict, verdict::Verdict::Pass)
            << id << ": " << run.by_id.at(id).outcome.judgement.reason;
    EXPECT_LT(run.by_id.at("oops").outcome.vm_index, run.by_id.at("after-oops").outcome.vm_index);
}

}  // namespace

class SnapshotVm : public ::testing::TestWithParam<const char*> {};

TEST_P(SnapshotVm, CrashIsFollowedByARestoredVmThatRunsTheNextCase) {
    auto run = vmtest::run_cases(GetParam(), kOopsThenSentinels, "snapshot-crash",
                                 [](session::SessionOptions& o) { o.reset = session::Reset::Snapshot; });
    ASSERT_TRUE(run.ok()) << run.error().message;
    expect_all_judged(*run);
    const auto& st = run->session.stats;
    EXPECT_EQ(st.snapshots, 1);
    EXPECT_EQ(st.vms, 2);
    EXPECT_EQ(st.vms_restored, 2) << st.snapshot_fallback;
    EXPECT_TRUE(st.snapshot_fallback.empty()) << st.snapshot_fallback;
    EXPECT_GT(st.snapshot_seconds, 0);
}

INSTANTIATE_TEST_SUITE_P(DebianCloud, SnapshotVm, ::testing::ValuesIn(vmtest::kTestKernels),
                         [](const ::testing::TestParamInfo<const char*>& p) { return vmtest::kernel_test_name(p.param); });

TEST(SnapshotVm61, StaleSnapshotIsTakenAgain) {
    int taken = 0;
    auto run = vmtest::run_cases("debian-6.1-cloud", kOopsThenSentinels, "snapshot-stale", [&](session::SessionOptions& o) {
        o.reset = session::Reset::Snapshot;
        o.after_snapshot = [&, out = o.out_dir](const std::filesystem::path&) {
            // The first time only: the initramfs gets a new modification time, as a rebuilt one would.
            if (taken++) return;
            const auto initrd = out / "initrd.cpio";
            std::filesystem::last_write_time(initrd, std::filesystem::last_write_time(initrd) + std::chrono::seconds(5));
        };
    });
    ASSERT_TRUE(run.ok()) << run.error().message;
    expect_all_judged(*run);
    const auto& st = run->session.stats;
    EXPECT_EQ(st.snapshots, 2);
    EXPECT_EQ(st.vms_restored, st.vms);
    EXPECT_TRUE(st.snapshot_fallback.empty()) << st.snapshot_fallback;
}

TEST(SnapshotVm61, CorruptSnapshotFallsBackToColdBoots) {
    auto run = vmtest::run_cases("debian-6.1-cloud", kOopsThenSentinels, "snapshot-corrupt", [](session::SessionOptions& o) {
        o.reset = session::Reset::Snapshot;
        o.after_snapshot = [](const std::filesystem::path& state) { std::filesystem::resize_file(state, 100); };
    });
    ASSERT_TRUE(run.ok()) << run.error().message;
    expect_all_judged(*run);
    const auto& st = run->session.stats;
    EXPECT_EQ(st.snapshots, 1);
    EXPECT_EQ(st.vms_restored, 0);
    EXPECT_EQ(st.vms, 2);
    EXPECT_NE(st.snapshot_fallback.find("restore failed"), std::string::npos) << st.snapshot_fallback;
}

TEST(SnapshotVm61, BootResetTakesNoSnapshot) {
    auto run = vmtest::run_cases("debian-6.1-cloud", kOopsThenSentinels, "snapshot-off",
                                 [](session::SessionOptions& o) { o.reset = session::Reset::Boot; });
    ASSERT_TRUE(run.ok()) << run.error().message;
    expect_all_judged(*run);
    EXPECT_EQ(run->session.stats.snapshots, 0);
    EXPECT_EQ(run->session.stats.vms_restored, 0);
    EXPECT_FALSE(std::filesystem::exists(run->session.results_file.parent_path() / "console-snapshot.log"));
}
