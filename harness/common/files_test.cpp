// The whole-file reader: every byte, /proc files of size 0, errors that name the file. The durable
// writer: on a full, read-only or size-limited filesystem it fails with a storage error, keeps the
// old file and leaves no temporary.
#include "harness/common/files.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace mh;
namespace fs = std::filesystem;

TEST(Files, ReadsEveryByte) {
    const fs::path p = fs::path(::testing::TempDir()) / "mh-files-test.bin";
    std::string bytes(200000, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
    ASSERT_TRUE(write_file_atomic(p, bytes).ok());
    auto text = read_text_file(p);
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(*text, bytes);
    auto raw = read_file_bytes(p);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(std::string(raw->begin(), raw->end()), bytes);
    fs::remove(p);
}

TEST(Files, ProcFilesThatReportSizeZeroAreReadToTheEnd) {
    auto t = read_text_file("/proc/self/status");
    ASSERT_TRUE(t.ok());
    EXPECT_NE(t->find("Pid:"), std::string::npos);
}

TEST(Files, MissingFileIsAnErrorNamingIt) {
    auto t = read_text_file("/nonexistent/mh-x");
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("'/nonexistent/mh-x'"), std::string::npos);
    EXPECT_FALSE(read_file_bytes("/nonexistent/mh-x").ok());
    EXPECT_EQ(read_text_file("/nonexistent/mh-x").value_or(""), "");
}

// Every entry of `dir`, by name.
std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// A small tmpfs of its own (root only; the test skips otherwise): a real full or read-only filesystem.
struct TinyTmpfs {
    fs::path dir;
    bool mounted = false;
    explicit TinyTmpfs(const char* name) {
        dir = fs::path(::testing::TempDir()) / name;
        fs::create_directories(dir);
        mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") == 0;
    }
    ~TinyTmpfs() {
        if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

TEST(Files, AtomicWriteReplacesTheFileAndLeavesNoTemporary) {
    const fs::path dir = fs::path(::testing::TempDir()) / "mh-files-atomic";
    fs::remove_all(dir);
    fs::create_directories(dir);
    ASSERT_TRUE(write_file_atomic(dir / "state.json", "old").ok());
    ASSERT_TRUE(write_file_atomic(dir / "state.json", "new").ok());
    EXPECT_EQ(read_text_file(dir / "state.json").value_or(""), "new");
    EXPECT_EQ(entries(dir), std::vector<std::string>{"state.json"});
    fs::remove_all(dir);
}

TEST(Files, AtomicWriteOnAFullFilesystemKeepsTheOldFile) {
    TinyTmpfs fsys("mh-files-full");
    if (!fsys.mounted) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << std::strerror(errno);
    const fs::path p = fsys.dir / "campaign.json";
    ASSERT_TRUE(write_file_atomic(p, "{\"good\": true}\n").ok());
    auto st = write_file_atomic(p, std::string(256 * 1024, 'x'));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::kStorage);
    EXPECT_NE(st.error().message.find(p.string()), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("ENOSPC"), std::string::npos) << st.error().message;
    EXPECT_EQ(read_text_file(p).value_or(""), "{\"good\": true}\n");
    EXPECT_EQ(entries(fsys.dir), std::vector<std::string>{"campaign.json"});
}

TEST(Files, AtomicWriteOnAReadOnlyFilesystemKeepsTheOldFile) {
    TinyTmpfs fsys("mh-files-ro");
    if (!fsys.mounted) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << std::strerror(errno);
    const fs::path p = fsys.dir / "conformance.json";
    ASSERT_TRUE(write_file_atomic(p, "old\n").ok());
    ASSERT_EQ(::mount("tmpfs", fsys.dir.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=64k"), 0) << std::strerror(errno);
    auto st = write_file_atomic(p, "new\n");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::kStorage);
    EXPECT_NE(st.error().message.find(p.string()), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("EROFS"), std::string::npos) << st.error().message;
    EXPECT_EQ(read_text_file(p).value_or(""), "old\n");
    EXPECT_EQ(entries(fsys.dir), std::vector<std::string>{"conformance.json"});
}

TEST(Files, AtomicWriteIntoAnUnwritableDirectoryFails) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into a mode-0555 directory (the read-only filesystem test covers root)";
    const fs::path dir = fs::path(::testing::TempDir()) / "mh-files-rodir";
    fs::remove_all(dir);
    fs::create_directories(dir);
    ASSERT_TRUE(write_file_atomic(dir / "x", "old").ok());
    ::chmod(dir.c_str(), 0555);
    auto st = write_file_atomic(dir / "x", "new");
    ::chmod(dir.c_str(), 0755);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::kStorage);
    EXPECT_NE(st.error().message.find("EACCES"), std::string::npos) << st.error().message;
    EXPECT_EQ(read_text_file(dir / "x").value_or(""), "old");
    EXPECT_EQ(entries(dir), std::vector<std::string>{"x"});
    fs::remove_all(dir);
}

// RLIMIT_FSIZE makes write() fail with EFBIG part-way, like a quota: no root needed.
TEST(Files, AtomicWriteBeyondTheFileSizeLimitKeepsTheOldFile) {
    const fs::path dir = fs::path(::testing::TempDir()) / "mh-files-efbig";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path p = dir / "campaign.json";
    ASSERT_TRUE(write_file_atomic(p, "good").ok());
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = old;
    lim.rlim_cur = 4096;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
    auto st = write_file_atomic(p, std::string(100000, 'x'));
    ::setrlimit(RLIMIT_FSIZE, &old);
    ::signal(SIGXFSZ, old_handler);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::kStorage);
    EXPECT_NE(st.error().message.find(p.string()), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("EFBIG"), std::string::npos) << st.error().message;
    EXPECT_EQ(read_text_file(p).value_or(""), "good");
    EXPECT_EQ(entries(dir), std::vector<std::string>{"campaign.json"});
    fs::remove_all(dir);
}

}  // namespace
