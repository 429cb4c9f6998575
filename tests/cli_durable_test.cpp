// The real modharness binary against real filesystems and real signals: an output it cannot write
// is exit 4 with the old file kept and no temporary left; a second run into a locked --out is
// refused at once (exit 2); Ctrl-C during a kernel download or a seed build is exit 130 within
// seconds, with no child process and no partial directory left behind.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <vector>

#include "harness/common/files.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string build_dir() {
    const char* b = std::getenv("MH_BUILD_DIR");
    return b ? b : ".";
}
std::string source_dir() {
    const char* s = std::getenv("MH_SOURCE_DIR");
    return s ? s : MH_SOURCE_DIR_DEFAULT;
}
std::string modharness() { return build_dir() + "/harness/cli/modharness"; }

fs::path fresh_dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / ("mh-durable-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// Starts argv with stdout+stderr to `log` and the environment overrides; its pid.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log, const std::vector<std::string>& env = {}) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> a;
        for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
        a.push_back(nullptr);
        ::execv(a[0], a.data());
        ::_exit(127);
    }
    return pid;
}

// Exit code (128 + signal when killed); -1 when it did not end within `limit` (then it is killed).
int wait_exit(pid_t pid, std::chrono::seconds limit) {
    const auto end = Clock::now() + limit;
    int st = 0;
    while (::waitpid(pid, &st, WNOHANG) == 0) {
        if (Clock::now() > end) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &st, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int run(const std::vector<std::string>& argv, const fs::path& log, const std::vector<std::string>& env = {}) {
    return wait_exit(spawn(argv, log, env), std::chrono::seconds(120));
}

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Processes (other than us) whose command line or working directory mentions `needle`.
std::vector<std::string> processes_mentioning(const std::string& needle) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const std::string pid = e.path().filename().string();
        if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0])) || pid == std::to_string(::getpid())) continue;
        std::string cmdline = mh::read_text_file(e.path() / "cmdline").value_or("");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        const std::string stat = mh::read_text_file(e.path() / "stat").value_or("");
        const size_t close = stat.rfind(')');
        if (close != std::string::npos && stat.size() > close + 2 && stat[close + 2] == 'Z') continue;  // zombies hold nothing
        std::string cwd = fs::read_symlink(e.path() / "cwd", ec).string();
        if (cmdline.find(needle) != std::string::npos || cwd.rfind(needle, 0) == 0) out.push_back(pid + ": " + cmdline);
    }
    return out;
}

// A small tmpfs (root only): a real full or read-only filesystem.
struct TinyTmpfs {
    fs::path dir;
    bool mounted = false;
    explicit TinyTmpfs(const std::string& name) : dir(fresh_dir(name)) {
        mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=16k") == 0;
    }
    ~TinyTmpfs() {
        if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

std::vector<std::string> gen_argv(const fs::path& out) {
    return {modharness(), "gen", "--profile", source_dir() + "/corpus/profiles/debian-6.1.0-56-cloud-amd64.profile", "-o", out.string()};
}

}  // namespace

// gen writes a module image of ~3 KiB: onto a 16 KiB filesystem that an older one and a filler
// fill, the write fails with ENOSPC and the older file stays whole.
TEST(CliDurable, OutputOnAFullFilesystemIsExit4AndKeepsTheOldFile) {
    TinyTmpfs fsys("full");
    if (!fsys.mounted) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << std::strerror(errno);
    const fs::path out = fsys.dir / "m.ko";
    { std::ofstream(out) << "old module"; }
    { std::ofstream(fsys.dir / "filler") << std::string(12288, 'f'); }
    const fs::path log = fresh_dir("full-log") / "log";
    EXPECT_EQ(run(gen_argv(out), log), 4) << mh::read_text_file(log).value_or("");
    const std::string text = mh::read_text_file(log).value_or("");
    EXPECT_NE(text.find("cannot write '" + out.string() + "'"), std::string::npos) << text;
    EXPECT_NE(text.find("ENOSPC"), std::string::npos) << text;
    EXPECT_EQ(mh::read_text_file(out).value_or(""), "old module");
    EXPECT_EQ(entries(fsys.dir), (std::vector<std::string>{"filler", "m.ko"}));
}

TEST(CliDurable, OutputOnAReadOnlyFilesystemIsExit4AndKeepsTheOldFile) {
    TinyTmpfs fsys("ro");
    if (!fsys.mounted) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << std::strerror(errno);
    const fs::path out = fsys.dir / "m.ko";
    { std::ofstream(out) << "old"; }
    ASSERT_EQ(::mount("tmpfs", fsys.dir.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=16k"), 0) << std::strerror(errno);
    const fs::path log = fresh_dir("ro-log") / "log";
    EXPECT_EQ(run(gen_argv(out), log), 4) << mh::read_text_file(log).value_or("");
    const std::string text = mh::read_text_file(log).value_or("");
    EXPECT_NE(text.find("EROFS"), std::string::npos) << text;
    EXPECT_EQ(mh::read_text_file(out).value_or(""), "old");
    EXPECT_EQ(entries(fsys.dir), std::vector<std::string>{"m.ko"});
}

// Another run holds the --out lock (here: this test, as a run would): conform is refused before
// it resolves a kernel or writes anything. The kernel is a well-formed package name that is not
// cached (a name no kernel can have would be a usage error before the lock is looked at).
TEST(CliDurable, SecondRunIntoALockedOutIsRefusedAtOnce) {
    const fs::path out = fresh_dir("locked");
    const int fd = ::open((out / ".modharness.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    const std::string me = std::to_string(::getpid()) + "\n";
    ASSERT_EQ(::write(fd, me.data(), me.size()), static_cast<ssize_t>(me.size()));
    const fs::path log = fresh_dir("locked-log") / "log";
    const auto t0 = Clock::now();
    const int code =
        run({modharness(), "conform", "--out", out.string(), "--kernel", "linux-image-0.0.0-mh-not-cached-amd64", "--no-fetch"}, log);
    const std::string text = mh::read_text_file(log).value_or("");
    EXPECT_EQ(code, 2) << text;
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
    EXPECT_NE(
        text.find("output directory '" + out.string() + "' is in use by another modharness run (pid " + std::to_string(::getpid()) + ")"),
        std::string::npos)
        << text;
    EXPECT_EQ(entries(out), std::vector<std::string>{".modharness.lock"});
    ::close(fd);
    // Released (the holder ended): the same command now gets past the lock to the kernel.
    EXPECT_EQ(run({modharness(), "conform", "--out", out.string(), "--kernel", "linux-image-0.0.0-mh-not-cached-amd64", "--no-fetch"}, log),
              3)
        << mh::read_text_file(log).value_or("");
    EXPECT_EQ(mh::read_text_file(log).value_or("").find("in use"), std::string::npos);
    fs::remove_all(out);
}

// Ctrl-C while apt-get downloads a kernel into an empty cache: exit 130 within seconds, the
// partial .fetch-* directory removed, no apt-get or dpkg-deb left running.
TEST(CliDurable, CtrlCDuringAKernelFetchStopsItCleanly) {
    const fs::path cache = fresh_dir("fetch-cache");
    const fs::path log = fresh_dir("fetch-log") / "log";
    const pid_t pid = spawn({modharness(), "kernel", "fetch", "debian-6.1-cloud"}, log, {"MH_CACHE_DIR=" + cache.string()});
    // The download has started once its work directory exists.
    bool fetching = false;
    for (auto end = Clock::now() + std::chrono::seconds(60); Clock::now() < end && !fetching;) {
        for (const auto& name : entries(cache / "kernels")) fetching |= name.rfind(".fetch-", 0) == 0;
        if (!fetching) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int st;
        if (!fetching && ::waitpid(pid, &st, WNOHANG) == pid)
            GTEST_SKIP() << "the fetch ended before downloading (no apt or no archive?): " << mh::read_text_file(log).value_or("");
    }
    if (!fetching) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        GTEST_SKIP() << "the download did not start within 60 s (archive unreachable?)";
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ::kill(pid, SIGINT);
    const auto t0 = Clock::now();
    const int code = wait_exit(pid, std::chrono::seconds(20));
    const std::string text = mh::read_text_file(log).value_or("");
    if (code == 0) GTEST_SKIP() << "the whole fetch took less than the second before Ctrl-C: " << text;
    EXPECT_EQ(code, 130) << text;
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(8)) << text;
    EXPECT_NE(text.find("interrupted"), std::string::npos) << text;
    for (const auto& name : entries(cache / "kernels")) EXPECT_NE(name.rfind(".fetch-", 0), 0u) << name << " left behind";
    EXPECT_EQ(processes_mentioning(cache.string()), std::vector<std::string>{});
    fs::remove_all(cache);
}

// Ctrl-C while make builds seed modules (kernel headers from the user's cache, seeds into a
// fresh one): exit 130 within seconds, no make or compiler left, no half-built seed directory.
TEST(CliDurable, CtrlCDuringASeedBuildStopsMake) {
    const char* env_cache = std::getenv("MH_CACHE_DIR");
    const char* home = std::getenv("HOME");
    const fs::path kernels =
        env_cache && *env_cache ? fs::path(env_cache) / "kernels" : fs::path(home ? home : "/root") / ".cache/modharness/kernels";
    bool cached = false;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(kernels, ec))
        cached |= fs::exists(e.path() / "modharness-kernel.json") && e.path().filename().string().find("6.1.0") != std::string::npos &&
                  e.path().filename().string().find("cloud") != std::string::npos;
    if (!cached) GTEST_SKIP() << "no debian-6.1-cloud kernel in " << kernels << " (modharness kernel fetch debian-6.1-cloud)";
    const fs::path cache = fresh_dir("seed-cache");
    fs::create_directory_symlink(kernels, cache / "kernels");
    const fs::path log = fresh_dir("seed-log") / "log";
    const pid_t pid = spawn({modharness(), "seeds", "--kernel", "debian-6.1-cloud", "--no-fetch"}, log, {"MH_CACHE_DIR=" + cache.string()});
    // make is running once a compiler or make mentions the seed cache.
    bool building = false;
    for (auto end = Clock::now() + std::chrono::seconds(30); Clock::now() < end && !building;) {
        building = !processes_mentioning((cache / "seeds").string()).empty();
        if (!building) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!building) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        GTEST_SKIP() << "no make started within 30 s: " << mh::read_text_file(log).value_or("");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(pid, SIGINT);
    const auto t0 = Clock::now();
    const int code = wait_exit(pid, std::chrono::seconds(20));
    const std::string text = mh::read_text_file(log).value_or("");
    if (code == 0) GTEST_SKIP() << "the build finished before Ctrl-C: " << text;
    EXPECT_EQ(code, 130) << text;
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(8)) << text;
    EXPECT_EQ(processes_mentioning(cache.string()), std::vector<std::string>{});
    std::vector<std::string> partial;
    for (auto it = fs::recursive_directory_iterator(cache / "seeds", ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename().string().find(".tmp-") != std::string::npos) partial.push_back(it->path().string());
    EXPECT_EQ(partial, std::vector<std::string>{});
    fs::remove(cache / "kernels");
    fs::remove_all(cache);
}
