// C reproducers: they compile, embed the image and the call, and refuse to run by default.
#include "harness/campaign/repro.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "harness/host/test_files.h"

namespace mh::campaign {
namespace {

int compile(const std::string& source, const std::filesystem::path& dir, const std::string& name) {
    const auto c = dir / (name + ".c");
    std::ofstream(c) << source;
    return std::system(
        ("cc -Wall -Werror -o " + (dir / name).string() + " " + c.string() + " 2>" + (dir / (name + ".err")).string()).c_str());
}

TEST(CReproducer, EveryCallKindCompilesAndRefusesWithoutTheEnvironmentVariable) {
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
            ASSERT_EQ(compile(src, dir.path, name), 0) << src;
            // Without MH_I_AM_IN_A_DISPOSABLE_VM it exits 2 before any syscall (this is the host).
            EXPECT_EQ(
                WEXITSTATUS(std::system(("env -u MH_I_AM_IN_A_DISPOSABLE_VM " + (dir.path / name).string() + " 2>/dev/null").c_str())), 2);
        }
}

}  // namespace
}  // namespace mh::campaign
