// For tests that start a guest program on the host: runs it under a seccomp filter that kills it
// (SIGSYS) at its first module syscall and refuses reboot, so a guard that failed to refuse shows
// up as a signal, never as a module loaded on the host. Test code only.
#pragma once

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <vector>

#include "harness/sys/module_abi.h"

namespace mh::sys::testing {

inline constexpr long kNrReboot = 169;  // x86-64: refused with EPERM so a PID-namespace init cannot "reboot"

// Child exit codes of the harness itself (not of the program under test).
inline constexpr int kNoNamespace = 77;  // unshare(CLONE_NEWPID) refused (not root)
inline constexpr int kSetupFailed = 90;  // prctl/exec failed

inline void install_module_trap() {
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
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(kSetupFailed);
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) ::_exit(kSetupFailed);
}

struct TrappedRun {
    int status = 0;  // waitpid status of the program (or of the namespace helper)
    std::string err;  // what it wrote to stderr
    bool exited() const { return WIFEXITED(status); }
    int exit_code() const { return WEXITSTATUS(status); }
    bool killed_by_sigsys() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS; }
};

// Runs `argv` (no shell) with the module trap, stdin from /dev/null, stderr captured. With
// `pid_namespace` it is PID 1 of a fresh PID namespace (made in a helper process, so the test
// process stays where it is); the helper exits kNoNamespace when that is not allowed here.
inline TrappedRun run_with_module_trap(const std::vector<std::string>& argv, bool pid_namespace = false) {
    int fds[2];
    TrappedRun out;
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        out.status = kSetupFailed << 8;
        return out;
    }
    const auto exec_program = [&]() {
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        ::dup2(fds[1], 2);
        install_module_trap();
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(kSetupFailed);
    };
    pid_t pid = ::fork();
    if (pid == 0) {
        if (!pid_namespace) exec_program();
        if (::unshare(CLONE_NEWPID) != 0) ::_exit(kNoNamespace);
        pid_t inner = ::fork();  // first child of the new namespace: PID 1 there
        if (inner == 0) exec_program();
        int st = 0;
        ::waitpid(inner, &st, 0);
        if (WIFSIGNALED(st)) ::raise(WTERMSIG(st) == SIGSYS ? SIGSYS : SIGKILL);  // pass the signal on
        ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : kSetupFailed);
    }
    ::close(fds[1]);
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        out.err.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    if (pid < 0 || ::waitpid(pid, &out.status, 0) != pid) out.status = kSetupFailed << 8;
    return out;
}

}  // namespace mh::sys::testing
