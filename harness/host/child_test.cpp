// Child: exec and chdir failures are errors with their errno; poll, wait and kill see the end.
#include "harness/host/child.h"

#include <signal.h>
#include <sys/wait.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace mh::host {
namespace {

TEST(Child, MissingProgramIsAnErrorWithItsErrno) {
    int e = 0;
    auto c = Child::spawn({"/nonexistent/program"}, {}, &e);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(e, ENOENT);
    EXPECT_NE(c.error().message.find("cannot run '/nonexistent/program'"), std::string::npos) << c.error().message;
}

TEST(Child, MissingDirectoryIsNamed) {
    SpawnOptions o;
    o.cwd = "/nonexistent-dir";
    auto c = Child::spawn({"true"}, o);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("cannot change to directory '/nonexistent-dir'"), std::string::npos);
}

TEST(Child, WaitGivesTheExitStatus) {
    auto c = Child::spawn({"sh", "-c", "exit 3"}, {});
    ASSERT_TRUE(c.ok()) << c.error().message;
    int st = c->wait();
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 3);
    EXPECT_EQ(describe_wait_status(st), "exited 3");
}

TEST(Child, KillEndsTheWholeGroup) {
    const std::string pid_file = ::testing::TempDir() + "/mh-child-test-bg.pid";
    std::remove(pid_file.c_str());
    auto c = Child::spawn({"sh", "-c", "sleep 30 & echo $! > " + pid_file + "; wait"}, {});
    ASSERT_TRUE(c.ok()) << c.error().message;
    std::string bg;
    for (int i = 0; i < 500 && bg.empty(); ++i) {
        ::usleep(10000);
        std::ifstream in(pid_file);
        std::getline(in, bg);
    }
    ASSERT_FALSE(bg.empty());
    EXPECT_FALSE(c->poll().has_value());
    c->kill();
    auto st = c->poll();
    ASSERT_TRUE(st.has_value());
    EXPECT_TRUE(WIFSIGNALED(*st));
    EXPECT_EQ(describe_wait_status(*st), "killed by signal 9");
    // The background sleep was in the same group: it is gone or a zombie waiting for its reaper.
    auto state = [&] {
        std::ifstream in("/proc/" + bg + "/stat");
        std::string line;
        std::getline(in, line);
        auto close = line.rfind(')');
        return close == std::string::npos || close + 2 >= line.size() ? 'X' : line[close + 2];
    };
    char s = state();
    for (int i = 0; i < 100 && s != 'X' && s != 'Z'; ++i) {
        ::usleep(10000);
        s = state();
    }
    EXPECT_TRUE(s == 'X' || s == 'Z') << "background child state " << s;
    std::remove(pid_file.c_str());
}

}  // namespace
}  // namespace mh::host
