// Snapshot reset on real kernels: the batch's guest is saved once at the executor's ready point and
// every VM is restored from it: after an oops the next case runs in a restored VM; a snapshot that
// went stale (its initramfs changed) is taken again; a corrupt one falls back to cold boots, once
// and said; --reset boot never takes one; a snapshot kept in the snapshot cache serves the next
// run of the same cases, and a corrupt cached one is dropped.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <functional>
#include <vector>

#include <filesystem>
#include <fstream>

#include "harness/host/test_files.h"
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

TEST(SnapshotVm61, CachedSnapshotServesTheNextRunAndACorruptOneIsDropped) {
    host::testing::TempDir cache("mh-snapshot-cache");
    auto entries = [&] {
        std::vector<std::filesystem::path> dirs;
        for (const auto& e : std::filesystem::directory_iterator(cache.path))
            if (e.is_directory()) dirs.push_back(e.path());
        return dirs;
    };
    auto with_cache = [&](const std::function<void(session::SessionOptions&)>& more = nullptr) {
        return [&, more](session::SessionOptions& o) {
            o.reset = session::Reset::Snapshot;
            o.snapshot_cache = cache.path;
            if (more) more(o);
        };
    };

    // 1: taken and kept; the RAM file keeps its holes (the guest touched far less than 1 GiB).
    auto first = vmtest::run_cases("debian-6.1-cloud", kOopsThenSentinels, "snapshot-cache-1", with_cache());
    ASSERT_TRUE(first.ok()) << first.error().message;
    expect_all_judged(*first);
    EXPECT_EQ(first->session.stats.snapshots, 1);
    EXPECT_EQ(first->session.stats.snapshots_cached, 0);
    ASSERT_EQ(entries().size(), 1u);
    const auto entry = entries().front();
    for (const char* f : {"ram", "state", "meta.json"}) EXPECT_TRUE(std::filesystem::exists(entry / f)) << f;
    struct stat st {};
    ASSERT_EQ(::stat((entry / "ram").c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 1024ll << 20);
    EXPECT_LT(static_cast<long long>(st.st_blocks) * 512, 512ll << 20);

    // 2: the same cases in another run boot no VM at all.
    auto second = vmtest::run_cases("debian-6.1-cloud", kOopsThenSentinels, "snapshot-cache-2", with_cache());
    ASSERT_TRUE(second.ok()) << second.error().message;
    expect_all_judged(*second);
    const auto& st2 = second->session.stats;
    EXPECT_EQ(st2.snapshots, 0);
    EXPECT_EQ(st2.snapshots_cached, 1);
    EXPECT_EQ(st2.vms_restored, st2.vms) << st2.snapshot_fallback;
    EXPECT_TRUE(st2.snapshot_fallback.empty()) << st2.snapshot_fallback;
    EXPECT_FALSE(std::filesystem::exists(second->session.results_file.parent_path() / "console-snapshot.log"));

    // 3: a cached snapshot that no longer restores: cold boots, said, and the entry is gone.
    auto third =
        vmtest::run_cases("debian-6.1-cloud", kOopsThenSentinels, "snapshot-cache-3", with_cache([](session::SessionOptions& o) {
                              o.after_snapshot = [](const std::filesystem::path& state) { std::filesystem::resize_file(state, 100); };
                          }));
    ASSERT_TRUE(third.ok()) << third.error().message;
    expect_all_judged(*third);
    EXPECT_EQ(third->session.stats.snapshots_cached, 1);
    EXPECT_EQ(third->session.stats.vms_restored, 0);
    EXPECT_NE(third->session.stats.snapshot_fallback.find("restore failed"), std::string::npos) << third->session.stats.snapshot_fallback;
    EXPECT_FALSE(std::filesystem::exists(entry));

    // 4: so the next run takes and keeps a good one again.
    auto fourth = vmtest::run_cases("debian-6.1-cloud", kOopsThenSentinels, "snapshot-cache-4", with_cache());
    ASSERT_TRUE(fourth.ok()) << fourth.error().message;
    expect_all_judged(*fourth);
    EXPECT_EQ(fourth->session.stats.snapshots, 1);
    EXPECT_EQ(fourth->session.stats.vms_restored, fourth->session.stats.vms);
    EXPECT_EQ(entries().size(), 1u);
}
