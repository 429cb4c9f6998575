// Reliability of the harness itself, through the real CLI: Ctrl-C then --resume, SIGKILL of
// modharness (no QEMU left behind) then --resume, and QEMU killed from outside mid-case. In every
// case each case id ends up in results.jsonl exactly once.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <thread>

#include "tests/vm/cli_support.h"
#include "tests/vm/vm_test_support.h"

namespace fs = std::filesystem;
using namespace mh::vmtest;

TEST(ReliabilityVm, CtrlCThenResume) {
    auto dir = fresh_dir("sigint");
    write_cases(dir / "cases", 40);
    auto out = dir / "out";
    std::vector<std::string> cmd = {modharness(), "run",        "--kernel", mh::vmtest::kTestKernels[0],
                                    "--out",      out.string(), "--quiet",  (dir / "cases").string()};
    pid_t pid = spawn(cmd, dir / "log1");
    ASSERT_TRUE(wait_for_results(out, 3, 120)) << "no results appeared";
    ::kill(pid, SIGINT);
    EXPECT_EQ(wait_exit(pid), 130);
    EXPECT_TRUE(qemu_pids(out.string()).empty()) << "QEMU outlived an interrupted run";
    size_t partial = results(out).size();
    EXPECT_GE(partial, 3u);
    EXPECT_LT(partial, 40u) << "the run finished before the interrupt; the test proves nothing";
    // Without --resume the same --out is refused (nothing is overwritten): a usage error (exit 2),
    // the command line conflicts with --out's state; nothing is missing from the machine.
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log2")), 2);
    cmd.insert(cmd.begin() + 2, "--resume");
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log3")), 0);
    expect_each_once(out, 40);
}

TEST(ReliabilityVm, SigkillLeavesNoQemuAndResumes) {
    auto dir = fresh_dir("sigkill");
    write_cases(dir / "cases", 40);
    auto out = dir / "out";
    std::vector<std::string> cmd = {modharness(), "run",        "--kernel", mh::vmtest::kTestKernels[0],
                                    "--out",      out.string(), "--quiet",  (dir / "cases").string()};
    pid_t pid = spawn(cmd, dir / "log1");
    ASSERT_TRUE(wait_for_results(out, 3, 120));
    ::kill(pid, SIGKILL);
    wait_exit(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_TRUE(qemu_pids(out.string()).empty()) << "QEMU survived SIGKILL of modharness";
    cmd.insert(cmd.begin() + 2, "--resume");
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log2")), 0);
    expect_each_once(out, 40);
}

TEST(ReliabilityVm, QemuKilledMidCaseIsRetriedNotBlamedOnTheKernel) {
    auto dir = fresh_dir("qemukill");
    {
        std::ofstream c(dir / "cases");
        c << "id=before call=finit image=seed:sentinel expect=sentinel\n"
             "id=slow call=finit image=seed:hang timeout_ms=4000\n"
             "id=after call=init image=seed:sentinel expect=sentinel\n";
    }
    auto out = dir / "out";
    pid_t pid = spawn({modharness(), "run", "--kernel", mh::vmtest::kTestKernels[0], "--out", out.string(), (dir / "cases").string()},
                      dir / "log1");
    ASSERT_TRUE(wait_for_results(out, 1, 120));
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // inside the hanging case
    auto q = qemu_pids(out.string());
    ASSERT_EQ(q.size(), 1u);
    ::kill(q[0], SIGKILL);
    EXPECT_EQ(wait_exit(pid), 1);  // the hang itself is a KERNEL finding
    auto r = results(out);
    ASSERT_EQ(r.size(), 3u);
    std::map<std::string, nlohmann::json> by;
    for (const auto& j : r) by[j["id"]] = j;
    EXPECT_EQ(by["before"]["verdict"], "PASS");
    EXPECT_EQ(by["slow"]["verdict"], "KERNEL");  // from its own hang on the retry, not from the kill
    EXPECT_EQ(by["slow"]["vm"], 2);  // ... which ran in a second VM
    EXPECT_EQ(by["after"]["verdict"], "PASS");
    EXPECT_NE(read_text(dir / "log1").find("QEMU was killed"), std::string::npos);
}

TEST(ReliabilityVm, OutPathWithACommaWorks) {
    // QEMU splits -chardev option lists at commas: an unescaped "path=.../a,b/..." would make QEMU
    // refuse the option ("b/... is not a valid parameter") and no case could ever run.
    auto dir = fresh_dir("comma") / "a,b";
    fs::create_directories(dir);
    write_cases(dir / "cases", 3);
    auto out = dir / "out";
    EXPECT_EQ(wait_exit(spawn({modharness(), "run", "--kernel", mh::vmtest::kTestKernels[0], "--out", out.string(), "--quiet",
                               (dir / "cases").string()},
                              dir / "log")),
              0)
        << read_text(dir / "log");
    expect_each_once(out, 3);
    EXPECT_FALSE(fs::exists(dir.parent_path() / "a")) << "QEMU took part of the path for a file of its own";
}

// --resume of results recorded on another kernel release: refused with exit 2, nothing boots.
TEST(ReliabilityVm, ResumeOnAnotherKernelIsRefused) {
    auto dir = fresh_dir("otherkernel");
    write_cases(dir / "cases", 3);
    auto out = dir / "out";
    fs::create_directories(out);
    std::ofstream(out / "results.jsonl") << R"({"schema":"modharness.result/1","idx":0,"id":"c0","verdict":"PASS",)"
                                         << R"("kernel":{"name":"other","release":"0.0.0-other-amd64","version":"0.0.0"}})"
                                         << "\n";
    std::vector<std::string> cmd = {
        modharness(), "run", "--resume", "--kernel", mh::vmtest::kTestKernels[0], "--out", out.string(), (dir / "cases").string()};
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log")), 2);
    std::string log = read_text(dir / "log");
    EXPECT_NE(log.find("recorded on kernel release '0.0.0-other-amd64'"), std::string::npos) << log;
    EXPECT_FALSE(fs::exists(out / "console-1.log")) << "a VM booted";
    EXPECT_EQ(results(out).size(), 1u);  // the recorded line is left as it was
}

// --resume after a case line was edited: that case runs again (and says so), the others not.
TEST(ReliabilityVm, EditedCaseIsRerunOnResume) {
    auto dir = fresh_dir("editedcase");
    write_cases(dir / "cases", 3);
    auto out = dir / "out";
    std::vector<std::string> cmd = {
        modharness(), "run", "--kernel", mh::vmtest::kTestKernels[0], "--out", out.string(), (dir / "cases").string()};
    ASSERT_EQ(wait_exit(spawn(cmd, dir / "log1")), 0) << read_text(dir / "log1");
    std::string text = read_text(dir / "cases");
    auto at = text.find("id=c1 ");
    ASSERT_NE(at, std::string::npos);
    text.insert(text.find('\n', at), " timeout_ms=9000");
    std::ofstream(dir / "cases", std::ios::trunc) << text;
    cmd.insert(cmd.begin() + 2, "--resume");
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log2")), 0) << read_text(dir / "log2");
    std::string log = read_text(dir / "log2");
    EXPECT_NE(log.find("case c1 changed since it was recorded: rerun"), std::string::npos) << log;
    EXPECT_EQ(log.find("case c0 changed"), std::string::npos) << log;
    std::map<std::string, std::vector<std::string>> hashes;
    for (const auto& j : results(out)) hashes[j.value("id", "")].push_back(j.value("input_hash", ""));
    EXPECT_EQ(hashes["c0"].size(), 1u);
    EXPECT_EQ(hashes["c2"].size(), 1u);
    ASSERT_EQ(hashes["c1"].size(), 2u);  // the rerun's line is appended; the later line of an id wins
    EXPECT_NE(hashes["c1"][0], hashes["c1"][1]);
}
