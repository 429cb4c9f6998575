// Results storage failing mid-run, through the real CLI on small tmpfs mounts: a failed
// results.jsonl write (ENOSPC) and an output directory filling up both stop the run with exit 4,
// a message naming the file or directory and the cause, no QEMU left, the records before intact
// and unduplicated; --resume after freeing space completes with every case exactly once.
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <vector>

#include "tests/vm/cli_support.h"
#include "tests/vm/vm_test_support.h"

namespace fs = std::filesystem;
using namespace mh::vmtest;

namespace {

// A tmpfs at `dir` for the test's lifetime (root only: the test skips where mount is refused).
class Tmpfs {
public:
    Tmpfs(const fs::path& dir, const std::string& size) : dir_(dir) {
        fs::create_directories(dir);
        std::string opts = "size=" + size + ",mode=0755";
        mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
        if (!mounted_) error_ = std::strerror(errno);
    }
    ~Tmpfs() { unmount(); }
    void unmount() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
        mounted_ = false;
    }
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }
    bool resize(const std::string& size) {
        std::string opts = "size=" + size + ",mode=0755";
        return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, opts.c_str()) == 0;
    }

private:
    fs::path dir_;
    bool mounted_ = false;
    std::string error_;
};

uint64_t free_bytes(const fs::path& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return 0;
    return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

// The records are whole JSON lines, the first `n` cases in order, none twice.
void expect_intact_prefix(const fs::path& out, size_t n) {
    std::string text = read_text(out / "results.jsonl");
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n') << "torn last line";
    auto r = results(out);
    ASSERT_EQ(r.size(), n);
    std::set<std::string> ids;
    for (size_t i = 0; i < r.size(); ++i) {
        EXPECT_EQ(r[i]["id"], "c" + std::to_string(i));
        EXPECT_EQ(r[i]["verdict"], "PASS") << r[i]["id"];
        ids.insert(r[i]["id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), n) << "a record appears twice";
}

}  // namespace

TEST(DiskFullVm, ResultsWriteFailsStopsCleanlyAndResumes) {
    auto dir = fresh_dir("enospc");
    const int n = 40;
    write_cases(dir / "cases", n);
    auto out = dir / "out";
    fs::create_directories(out);
    // results.jsonl lives on a one-page tmpfs: about six sentinel records fit, then a write
    // fails with ENOSPC while the console logs and the rest of --out have room.
    Tmpfs tiny(dir / "tiny", "4k");
    if (!tiny.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << tiny.error() << ")";
    fs::create_symlink(dir / "tiny" / "results.jsonl", out / "results.jsonl");
    std::vector<std::string> cmd = {modharness(), "run",        "--kernel", kTestKernels[0],
                                    "--out",      out.string(), "--quiet",  (dir / "cases").string()};
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log1")), 4);
    std::string log = read_text(dir / "log1");
    EXPECT_NE(log.find("modharness run: stopped: cannot write " + (out / "results.jsonl").string() + ": No space left on device (ENOSPC)"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("--resume"), std::string::npos) << log;
    EXPECT_TRUE(qemu_pids(out.string()).empty()) << "QEMU outlived the stopped run";
    size_t kept = results(out).size();
    EXPECT_GE(kept, 1u);
    EXPECT_LT(kept, static_cast<size_t>(n)) << "everything fit; the test proves nothing";
    expect_intact_prefix(out, kept);
    EXPECT_NE(log.find("keeps the " + std::to_string(kept) + " result(s)"), std::string::npos) << log;

    ASSERT_TRUE(tiny.resize("1m"));
    cmd.insert(cmd.begin() + 2, "--resume");
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log2")), 0) << read_text(dir / "log2");
    expect_each_once(out, n);
    // The resumed run's VMs got new numbers: the first run's console log is still there.
    EXPECT_TRUE(fs::exists(out / "console-1.log"));
    EXPECT_TRUE(fs::exists(out / "console-2.log"));
    tiny.unmount();
    if (!HasFailure()) fs::remove_all(dir);
}

TEST(DiskFullVm, OutDirFillingUpStopsBeforeEvidenceIsLost) {
    auto dir = fresh_dir("fill");
    const int n = 200;
    write_cases(dir / "cases", n);
    auto out = dir / "out";
    Tmpfs fs_out(out, "32m");  // the initramfs (~8 MiB), console logs and results
    if (!fs_out.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << fs_out.error() << ")";
    std::vector<std::string> cmd = {modharness(), "run",        "--kernel", kTestKernels[0],
                                    "--out",      out.string(), "--quiet",  (dir / "cases").string()};
    pid_t pid = spawn(cmd, dir / "log1");
    ASSERT_TRUE(wait_for_results(out, 3, 120)) << read_text(dir / "log1");
    // Someone else fills the disk: 48 KiB above the default 1 MiB --min-free stay free, which
    // the run uses up within a few dozen cases.
    {
        uint64_t free = free_bytes(out);
        ASSERT_GT(free, (1u << 20) + (48u << 10));
        std::ofstream filler(out / "filler", std::ios::binary);
        std::string mib(1u << 20, 'x');
        uint64_t left = free - (1u << 20) - (48u << 10);
        while (left > 0) {
            size_t chunk = static_cast<size_t>(std::min<uint64_t>(left, mib.size()));
            filler.write(mib.data(), static_cast<std::streamsize>(chunk));
            left -= chunk;
        }
    }
    EXPECT_EQ(wait_exit(pid), 4);
    std::string log = read_text(dir / "log1");
    EXPECT_NE(log.find("modharness run: stopped: cannot write " + out.string() + ": only "), std::string::npos) << log;
    EXPECT_NE(log.find("KiB free, less than the 1024 KiB a VM needs (--min-free)"), std::string::npos) << log;
    EXPECT_TRUE(qemu_pids(out.string()).empty()) << "QEMU outlived the stopped run";
    size_t kept = results(out).size();
    EXPECT_GE(kept, 3u);
    EXPECT_LT(kept, static_cast<size_t>(n)) << "the run finished before the disk filled; the test proves nothing";
    expect_intact_prefix(out, kept);

    // Still full: --resume stops before writing an initramfs or booting a VM.
    cmd.insert(cmd.begin() + 2, "--resume");
    auto entries_before = std::distance(fs::directory_iterator(out), fs::directory_iterator{});
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log2")), 4);
    EXPECT_NE(read_text(dir / "log2").find("(--min-free)"), std::string::npos) << read_text(dir / "log2");
    EXPECT_NE(read_text(dir / "log2").find("keeps the " + std::to_string(kept) + " result(s)"), std::string::npos)
        << read_text(dir / "log2");
    EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator{}), entries_before) << "a VM was started";
    EXPECT_EQ(results(out).size(), kept);

    fs::remove(out / "filler");
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log3")), 0) << read_text(dir / "log3");
    expect_each_once(out, n);
    fs_out.unmount();
    if (!HasFailure()) fs::remove_all(dir);
}
