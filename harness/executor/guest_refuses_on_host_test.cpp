// A real guest /init binary (MH_GUEST_BINARY: the executor, the guest bench), run on this host,
// refuses and makes no module syscall — also as PID 1
// of a fresh PID namespace. A seccomp filter kills it with SIGSYS if it ever tries.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <gtest/gtest.h>

#include "harness/sys/syscalls.h"

namespace {

constexpr long kNrReboot = 169;  // x86-64: refused with EPERM so a PID-namespace init cannot "reboot"

void install_trap_filter() {
    using mh::sys::kNrDeleteModule;
    using mh::sys::kNrFinitModule;
    using mh::sys::kNrInitModule;
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<__u32>(kNrInitModule), 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<__u32>(kNrFinitModule), 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<__u32>(kNrDeleteModule), 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<__u32>(kNrReboot), 1, 2),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(90);
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) ::_exit(91);
}

[[noreturn]] void exec_guest_binary() {
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, 2);
    install_trap_filter();
    char* argv[] = {const_cast<char*>(MH_GUEST_BINARY), nullptr};
    ::execv(argv[0], argv);
    ::_exit(92);
}

}  // namespace

TEST(GuestGuard, RefusesAsOrdinaryProcess) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) exec_guest_binary();
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << " (SIGSYS = module syscall attempted)";
    EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST(GuestGuard, RefusesAsPid1OfPidNamespace) {
    // The namespace is made in a helper process: the test process itself stays where it is
    // (LeakSanitizer cannot stop the world from inside a fresh PID namespace).
    pid_t helper = ::fork();
    ASSERT_GE(helper, 0);
    if (helper == 0) {
        if (::unshare(CLONE_NEWPID) != 0) ::_exit(77);
        pid_t pid = ::fork();  // first child of the new namespace: PID 1 there
        if (pid < 0) ::_exit(78);
        if (pid == 0) exec_guest_binary();
        int st = 0;
        ::waitpid(pid, &st, 0);
        ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st));
    }
    int status = 0;
    ASSERT_EQ(::waitpid(helper, &status, 0), helper);
    ASSERT_TRUE(WIFEXITED(status));
    int code = WEXITSTATUS(status);
    if (code == 77) GTEST_SKIP() << "cannot create a PID namespace here (needs root)";
    ASSERT_LT(code, 200) << "killed by signal " << code - 200 << " (SIGSYS = module syscall attempted)";
    EXPECT_NE(code, 0);
    EXPECT_NE(code, 78);
    EXPECT_NE(code, 90);
    EXPECT_NE(code, 91);
    EXPECT_NE(code, 92);
}
