// The snapshot cache without a VM: keys follow everything the saved guest depends on, the token is
// private and stable, an entry is found by the VM it was taken of and forgotten on request.
#include "harness/vm/snapshot_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "harness/host/test_files.h"
#include "harness/vm/guest_token.h"

namespace mh::vm {
namespace {

struct CacheFixture : ::testing::Test {
    host::testing::TempDir dir{"mh-snapshot-cache"};
    VmConfig vm;
    void SetUp() override {
        host::testing::write_file(dir.path / "bzImage", "kernel bytes");
        host::testing::write_file(dir.path / "initrd.cpio", "initramfs bytes");
        vm.kernel = dir.path / "bzImage";
        vm.initrd = dir.path / "initrd.cpio";
        vm.append = "console=ttyS0 modharness.wait=1";
        vm.qemu = "/bin/sh";  // any executable: only its path, size and time enter the key
    }
    std::string key() {
        auto k = snapshot_key(vm);
        EXPECT_TRUE(k.ok()) << k.error().message;
        return k.ok() ? *k : "";
    }
};

TEST_F(CacheFixture, KeyFollowsInitramfsBytesCommandLineAndMachine) {
    const std::string base = key();
    EXPECT_EQ(base.size(), 16u);
    EXPECT_EQ(key(), base);
    // The initramfs is compared by content: a rewrite with the same bytes keeps the key.
    host::testing::write_file(vm.initrd, "initramfs bytes");
    EXPECT_EQ(key(), base);
    host::testing::write_file(vm.initrd, "initramfs bytez");
    const std::string other_initrd = key();
    EXPECT_NE(other_initrd, base);
    vm.append += " lockdown=integrity";
    EXPECT_NE(key(), other_initrd);
    const std::string other_append = key();
    vm.memory_mb = 2048;
    EXPECT_NE(key(), other_append);
    // Per-VM files do not enter it.
    const std::string with_memory = key();
    vm.console_log = "/elsewhere/console-7.log";
    vm.results_socket = "mh-results-7";
    EXPECT_EQ(key(), with_memory);
}

TEST_F(CacheFixture, KeyNeedsTheInitramfsAndQemu) {
    vm.initrd = dir.path / "missing.cpio";
    EXPECT_FALSE(snapshot_key(vm).ok());
    vm.initrd = dir.path / "initrd.cpio";
    vm.qemu = "no-such-qemu-system-x86_64";
    auto k = snapshot_key(vm);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(k.error().message.find("not on PATH"), std::string::npos) << k.error().message;
}

TEST_F(CacheFixture, TokenIsPrivateAndStable) {
    SnapshotCache cache(dir.path / "cache");
    auto a = cache.token();
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->size(), 2 * kGuestTokenBytes);
    struct stat st {};
    ASSERT_EQ(::stat((dir.path / "cache" / "token").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto b = SnapshotCache(dir.path / "cache").token();
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(*a, *b);
    // A damaged token file is replaced, never used.
    host::testing::write_file(dir.path / "cache" / "token", "short");
    auto c = cache.token();
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->size(), 2 * kGuestTokenBytes);
}

TEST_F(CacheFixture, FindsAnEntryByItsVmAndForgetsIt) {
    SnapshotCache cache(dir.path / "cache");
    auto none = cache.find(vm);
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_FALSE(none->has_value());

    const auto entry = dir.path / "cache" / key();
    for (const char* f : {"ram", "state", "meta.json"}) host::testing::write_file(entry / f, "x");
    auto found = cache.find(vm);
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_TRUE(found->has_value());
    const GuestSnapshot& snap = **found;
    EXPECT_TRUE(snap.from_cache());
    EXPECT_EQ(snap.config().ram_file, entry / "ram");
    EXPECT_EQ(snap.state_file(), entry / "state");
    EXPECT_EQ(snap.stale_reason(vm), "");

    // Another initramfs is another entry.
    host::testing::write_file(vm.initrd, "other cases");
    auto other = cache.find(vm);
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->has_value());

    cache.forget(snap);
    EXPECT_FALSE(std::filesystem::exists(entry));
    EXPECT_TRUE(std::filesystem::exists(dir.path / "cache"));
}

}  // namespace
}  // namespace mh::vm
