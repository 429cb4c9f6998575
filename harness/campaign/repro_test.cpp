// C reproducers: they compile, embed the image and the call, and refuse to run outside a harness
// VM (the guest guard as C text) before any syscall: run here under a filter that would kill them
// at a module syscall.
#include "harness/campaign/repro.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "harness/host/test_files.h"
#include "harness/sys/module_trap_test_support.h"

namespace mh::campaign {
namespace {

int compile(const std::string& source, const std::filesystem::path& dir, const std::string& name) {
    const auto c = dir / (name + ".c");
    std::ofstream(c) << source;
    return std::system(
        ("cc -Wall -Werror -o " + (dir / name).string() + " " + c.string() + " 2>" + (dir / (name + ".err")).string()).c_str());
}

TEST(CReproducer, EveryCallKindCompilesAndRefusesOnTheHost) {
    host::testing::TempDir dir("mh-repro-c");
    mutate::FuzzInput in;
    in.image = {0x7f, 'E', 'L', 'F', 0, 0xff};
    in.call.params = "a=\"q\\\" b=\x01";
    int n = 0;
    for (auto sc : {mutate::Syscall::init_module, mutate::Syscall::finit_module})
        for (auto fk : {mutate::FdKind::memfd, mutate::FdKind::file, mutate::FdKind::wronly, mutate::FdKind::pipe}) {
            in.call.syscall = sc;
            in.call.fd_kind = fk;
            in.call.flags = 4;
            const std::string name = "r" + std::to_string(n++);
            const std::string src = c_reproducer(in, "BUG: test");
            EXPECT_NE(src.find("0x7f, 0x45, 0x4c, 0x46"), std::string::npos);
            EXPECT_NE(src.find(sc == mutate::Syscall::init_module ? "init_module" : "finit_module"), std::string::npos);
            EXPECT_EQ(src.find("getenv"), std::string::npos) << "no environment variable can switch the guard off";
            ASSERT_EQ(compile(src, dir.path, name), 0) << src;
            // This is the host: the guard refuses (exit 2, a clear message) before any syscall.
            for (bool pid1 : {false, true}) {
                const auto r = sys::testing::run_with_module_trap({(dir.path / name).string()}, pid1);
                if (pid1 && r.exited() && r.exit_code() == sys::testing::kNoNamespace) continue;  // not root
                ASSERT_FALSE(r.killed_by_sigsys()) << "the reproducer made a module syscall on the host";
                ASSERT_TRUE(r.exited()) << "signal " << WTERMSIG(r.status);
                EXPECT_EQ(r.exit_code(), 2) << r.err;
                EXPECT_NE(r.err.find("repro: refusing to run: "), std::string::npos) << r.err;
            }
        }
}

}  // namespace
}  // namespace mh::campaign
