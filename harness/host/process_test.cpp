// Tests for run_process: capture, exit codes, signals, timeouts, interrupts, missing programs, cwd and env.
#include "harness/host/process.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "harness/common/files.h"
#include "harness/host/child.h"

namespace {

using mh::host::ProcessOptions;
using mh::host::run_process;
using mh::host::set_default_interrupt_flag;

TEST(Process, CapturesStdoutAndStderrSeparately) {
    auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->out, "out\n");
    EXPECT_EQ(r->err, "err\n");
    EXPECT_EQ(r->exit_code, 3);
    EXPECT_FALSE(r->success());
    EXPECT_EQ(r->status_text(), "exit status 3");
}

TEST(Process, MergesStderr) {
    ProcessOptions o;
    o.merge_stderr = true;
    auto r = run_process({"sh", "-c", "echo a; echo b >&2"}, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out, "a\nb\n");
    EXPECT_TRUE(r->err.empty());
    EXPECT_TRUE(r->success());
}

TEST(Process, ArgumentsAreNotInterpretedByAShell) {
    auto r = run_process({"printf", "%s|", "a b", "$(x)", "'q'"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out, "a b|$(x)|'q'|");
}

TEST(Process, MissingProgramIsAnErrorNamingIt) {
    auto r = run_process({"mh-no-such-program-xyz"});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("mh-no-such-program-xyz"), std::string::npos);
}

TEST(Process, TimeoutKillsTheProcessGroup) {
    ProcessOptions o;
    o.timeout = std::chrono::milliseconds(300);
    // The grandchild keeps the pipe open: only a group kill ends the wait.
    auto r = run_process({"sh", "-c", "sleep 30 & sleep 30"}, o);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->timed_out);
    EXPECT_LT(r->elapsed, std::chrono::seconds(5));
    EXPECT_NE(r->status_text().find("timed out"), std::string::npos);
}

TEST(Process, SignalIsReported) {
    auto r = run_process({"sh", "-c", "kill -9 $$"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->term_signal, 9);
}

TEST(Process, CwdAndEnvironment) {
    ProcessOptions o;
    o.cwd = "/";
    o.env_overrides = {"MH_PROCESS_TEST=42"};
    auto r = run_process({"sh", "-c", "pwd; echo $MH_PROCESS_TEST"}, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out, "/\n42\n");
    o.cwd = "/nonexistent-mh-dir";
    auto bad = run_process({"true"}, o);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("/nonexistent-mh-dir"), std::string::npos);
}

TEST(Process, CaptureCapKeepsTheTail) {
    ProcessOptions o;
    o.max_capture = 10;
    auto r = run_process({"sh", "-c", "printf 0123456789abcdef"}, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out, "6789abcdef");
    EXPECT_TRUE(r->truncated);
}

TEST(Process, TailLinesAndDisplay) {
    EXPECT_EQ(mh::host::tail_lines("a\nb\nc\n", 2), "b\nc");
    EXPECT_EQ(mh::host::tail_lines("a\nb", 5), "a\nb");
    EXPECT_EQ(mh::host::display_command({"make", "-C", "/x y", "it's"}), "make -C '/x y' 'it'\\''s'");
}

// Ctrl-C while a tool runs (apt-get, make): the whole process group goes at once, not when the
// tool would have finished, and the caller gets an interrupted error.
TEST(Process, InterruptKillsTheWholeProcessGroupPromptly) {
    const auto pid_file = std::filesystem::path(::testing::TempDir()) / ("mh-process-pgid-" + std::to_string(::getpid()));
    std::atomic<bool> interrupted{false};
    std::thread ctrl_c([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        interrupted = true;
    });
    ProcessOptions o;
    o.interrupted = &interrupted;
    const auto t0 = std::chrono::steady_clock::now();
    // A shell with a background grandchild, like make with its compilers.
    auto r = run_process({"sh", "-c", "echo $$ > '" + pid_file.string() + "'; sleep 30 & sleep 30; wait"}, o);
    const auto took = std::chrono::steady_clock::now() - t0;
    ctrl_c.join();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, mh::ErrorKind::kInterrupted);
    EXPECT_NE(r.error().message.find("sleep 30"), std::string::npos) << r.error().message;
    EXPECT_LT(took, std::chrono::seconds(3));
    const pid_t pgid = static_cast<pid_t>(std::stol(mh::read_text_file(pid_file).value_or("0")));
    ASSERT_GT(pgid, 0);
    EXPECT_FALSE(mh::host::process_group_alive(pgid));
    std::filesystem::remove(pid_file);
}

// Children started where no flag is passed down (objdump for a coverage map, apt for a kernel
// fetch) stop on the process-wide flag the CLI registers.
TEST(Process, TheDefaultInterruptFlagStopsChildrenWithoutTheirOwn) {
    std::atomic<bool> interrupted{false};
    set_default_interrupt_flag(&interrupted);
    std::thread ctrl_c([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        interrupted = true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_process({"sleep", "30"});
    const auto took = std::chrono::steady_clock::now() - t0;
    ctrl_c.join();
    set_default_interrupt_flag(nullptr);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, mh::ErrorKind::kInterrupted);
    EXPECT_LT(took, std::chrono::seconds(3));
    // Unset again: a later child runs to its end.
    auto after = run_process({"sh", "-c", "sleep 0.2; echo done"});
    ASSERT_TRUE(after.ok()) << after.error().message;
    EXPECT_EQ(after->out, "done\n");
}

TEST(Process, NoInterruptRunsToTheEnd) {
    std::atomic<bool> interrupted{false};
    ProcessOptions o;
    o.interrupted = &interrupted;
    auto r = run_process({"sh", "-c", "sleep 0.3; echo done"}, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->out, "done\n");
}

}  // namespace
