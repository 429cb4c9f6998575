// A real guest program (MH_GUEST_BINARY: the executor, the guest bench, a fuzz engine), run on
// this host, refuses with a clear message and makes no module syscall — also as PID 1 of a fresh
// PID namespace. A seccomp filter kills it with SIGSYS if it ever tries.
#include <gtest/gtest.h>

#include "harness/sys/module_trap_test_support.h"

namespace {

using namespace mh::sys::testing;

// Exit 2 as an ordinary process; as PID 1 a program may instead try to power the VM off (reboot is
// refused here) and exit 1: any failure code, but not one of the harness's own.
void expect_refused(const TrappedRun& r, bool as_pid1 = false) {
    ASSERT_FALSE(r.killed_by_sigsys()) << "SIGSYS: " << MH_GUEST_BINARY << " attempted a module syscall on the host";
    ASSERT_TRUE(r.exited()) << "killed by signal " << WTERMSIG(r.status) << "; stderr: " << r.err;
    if (as_pid1) {
        EXPECT_NE(r.exit_code(), 0) << r.err;
        EXPECT_NE(r.exit_code(), kSetupFailed) << r.err;
    } else {
        EXPECT_EQ(r.exit_code(), 2) << r.err;
    }
    EXPECT_NE(r.err.find("refusing to run"), std::string::npos) << "no clear refusal on stderr: " << r.err;
}

}  // namespace

TEST(GuestGuard, RefusesAsOrdinaryProcess) { expect_refused(run_with_module_trap({MH_GUEST_BINARY})); }

TEST(GuestGuard, RefusesAsPid1OfPidNamespace) {
    const TrappedRun r = run_with_module_trap({MH_GUEST_BINARY}, /*pid_namespace=*/true);
    if (r.exited() && r.exit_code() == kNoNamespace) GTEST_SKIP() << "cannot create a PID namespace here (needs root)";
    expect_refused(r, /*as_pid1=*/true);
}
