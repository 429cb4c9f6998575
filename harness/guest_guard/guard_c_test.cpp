// The guard's C text (for reproducers) and the C++ guard reach the same verdicts: on this host
// (both refuse: not PID 1 of a harness VM), and, as root, inside a fake harness VM built here (a
// PID namespace whose PID 1 runs in a tmpfs root with a token file and a kernel command line bound
// over /proc/cmdline): allowed only where token and command line agree. The programs compiled here
// only print the verdict; nothing in this test makes a module syscall.
#include "harness/guest_guard/guard_c.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/common/files.h"
#include "harness/guest_guard/machine.h"
#include "harness/host/test_files.h"

namespace mh::guest_guard {
namespace {

namespace fs = std::filesystem;

constexpr const char* kChecker =
    "int main(void)\n{\n\tconst char *why = mh_guard_refusal();\n"
    "\tprintf(\"c: %s\\n\", why ? why : \"allowed\");\n\treturn why ? 2 : 0;\n}\n";

// Compiles the guard text with a main that prints its verdict; "" on success, else the errors.
std::string compile_checker(const fs::path& dir, bool static_link) {
    std::ofstream(dir / "check.c") << guard_c_source() << kChecker;
    const std::string cmd = "cc -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror " + std::string(static_link ? "-static " : "") + "-o " +
                            (dir / "check").string() + " " + (dir / "check.c").string() + " 2>" + (dir / "cc.err").string();
    if (std::system(cmd.c_str()) == 0) return "";
    return read_text_file(dir / "cc.err").value_or("cc failed");
}

std::string run_and_read(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
    return out;
}

TEST(GuardC, RefusesOnThisHostLikeTheCppGuard) {
    host::testing::TempDir dir("mh-guard-c");
    ASSERT_EQ(compile_checker(dir.path, false), "");
    const std::string c = run_and_read((dir.path / "check").string());
    const auto cpp = refusal_as_descendant();
    ASSERT_TRUE(cpp.has_value()) << "the C++ guard allowed this host";
    EXPECT_EQ(c.rfind("c: not PID 1 of a harness VM", 0), 0u) << c;
    EXPECT_EQ(cpp->rfind("not PID 1 of a harness VM", 0), 0u) << *cpp;
}

struct FakeVm {
    std::string token_file;  // "" = no /mh/token
    std::string cmdline;  // what /proc/cmdline says
};

constexpr int kNoNamespace = 77;

// In a new mount + PID namespace, as its PID 1: a tmpfs root holding `vm`'s token, /proc with
// `vm.cmdline` bound over /proc/cmdline; writes "cpp: <verdict>" and then execs the C checker
// (still PID 1), which writes "c: <verdict>". Returns both lines, or "skip" without privileges.
std::string verdicts_in_fake_vm(const fs::path& checker, const fs::path& root, const FakeVm& vm) {
    int fds[2];
    if (::pipe(fds) != 0) return "pipe failed";
    pid_t helper = ::fork();
    if (helper == 0) {
        ::close(fds[0]);
        if (::unshare(CLONE_NEWNS | CLONE_NEWPID) != 0) ::_exit(kNoNamespace);
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(kNoNamespace);
        pid_t init = ::fork();
        if (init == 0) {
            ::dup2(fds[1], 1);
            if (::mount("tmpfs", root.c_str(), "tmpfs", 0, "size=32m") != 0) ::_exit(kNoNamespace);
            fs::create_directories(root / "mh");
            fs::create_directories(root / "proc");
            fs::copy_file(checker, root / "check");
            std::ofstream(root / "cmdline.fake") << vm.cmdline;
            if (!vm.token_file.empty()) std::ofstream(root / "mh/token") << vm.token_file;
            if (::chroot(root.c_str()) != 0 || ::chdir("/") != 0) ::_exit(kNoNamespace);
            if (::mount("proc", "/proc", "proc", 0, nullptr) != 0) ::_exit(kNoNamespace);
            if (::mount("/cmdline.fake", "/proc/cmdline", nullptr, MS_BIND, nullptr) != 0) ::_exit(kNoNamespace);
            const auto cpp = refusal_as_init();
            std::printf("cpp: %s\n", cpp ? cpp->c_str() : "allowed");
            std::fflush(stdout);
            char* argv[] = {const_cast<char*>("/check"), nullptr};
            ::execv(argv[0], argv);
            ::_exit(90);
        }
        int st = 0;
        ::waitpid(init, &st, 0);
        ::_exit(WIFEXITED(st) && WEXITSTATUS(st) == kNoNamespace ? kNoNamespace : 0);
    }
    ::close(fds[1]);
    std::string out;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int st = 0;
    ::waitpid(helper, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == kNoNamespace) return "skip";
    return out;
}

TEST(GuardC, SameVerdictsAsTheCppGuardInAFakeHarnessVm) {
    host::testing::TempDir dir("mh-guard-c-vm");
    ASSERT_EQ(compile_checker(dir.path, true), "");
    const std::string token = "0123456789abcdef0123456789abcdef";
    const struct {
        FakeVm vm;
        std::string verdict;
    } cases[] = {
        {{token + "\n", "console=ttyS0 modharness.guest=" + token + " panic=-1\n"}, "allowed"},
        {{token + "\n", "console=ttyS0 modharness.guest=" + token + "\n"}, "allowed"},
        {{token + "\n", "console=ttyS0 modharness.guest=" + token + "0\n"}, "kernel command line token does not match the initramfs token"},
        {{token + "\n", "console=ttyS0 xmodharness.guest=" + token + "\n"}, "kernel command line has no modharness.guest= word"},
        {{"", "modharness.guest=" + token + "\n"}, "no harness token at /mh/token"},
        {{"0123\n", "modharness.guest=0123\n"}, "no harness token at /mh/token"},
    };
    int n = 0;
    for (const auto& c : cases) {
        const fs::path root = dir.path / ("root" + std::to_string(n++));
        fs::create_directories(root);
        const std::string out = verdicts_in_fake_vm(dir.path / "check", root, c.vm);
        if (out == "skip") GTEST_SKIP() << "cannot make mount and PID namespaces here (needs root)";
        SCOPED_TRACE(c.vm.cmdline);
        EXPECT_EQ(out, "cpp: " + c.verdict + "\nc: " + c.verdict + "\n");
    }
}

}  // namespace
}  // namespace mh::guest_guard
