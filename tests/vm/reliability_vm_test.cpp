// Reliability of the harness itself, through the real CLI: Ctrl-C then --resume, SIGKILL of
// modharness (no QEMU left behind) then --resume, and QEMU killed from outside mid-case. In every
// case each case id ends up in results.jsonl exactly once.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/vm/vm_test_support.h"

namespace fs = std::filesystem;

namespace {

std::string modharness() {
    const char* b = std::getenv("MH_BUILD_DIR");
    return std::string(b ? b : ".") + "/harness/cli/modharness";
}

pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
    pid_t pid = ::fork();
    if (pid == 0) {
        FILE* f = std::fopen(log.c_str(), "w");
        if (f) {
            ::dup2(fileno(f), 1);
            ::dup2(fileno(f), 2);
        }
        std::vector<char*> a;
        for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
        a.push_back(nullptr);
        ::execv(a[0], a.data());
        ::_exit(127);
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::vector<nlohmann::json> results(const fs::path& dir) {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir / "results.jsonl");
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
    return out;
}

// Waits until results.jsonl has at least n lines (or the deadline passes).
bool wait_for_results(const fs::path& dir, size_t n, int seconds) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        std::ifstream in(dir / "results.jsonl");
        size_t lines = 0;
        std::string l;
        while (std::getline(in, l)) ++lines;
        if (lines >= n) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// QEMU processes whose command line mentions `needle` (our output directory).
std::vector<pid_t> qemu_pids(const std::string& needle) {
    std::vector<pid_t> out;
    for (const auto& e : fs::directory_iterator("/proc")) {
        std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(e.path() / "cmdline", std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string cmd = ss.str();
        if (cmd.find("qemu-system") != std::string::npos && cmd.find(needle) != std::string::npos) out.push_back(std::stoi(name));
    }
    return out;
}

fs::path fresh_dir(const std::string& name) {
    auto d = fs::temp_directory_path() / ("mh-reliability-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

void write_cases(const fs::path& file, int n) {
    std::ofstream out(file);
    for (int i = 0; i < n; ++i) out << "id=c" << i << " call=" << (i % 2 ? "init" : "finit") << " image=seed:sentinel expect=sentinel\n";
}

void expect_each_once(const fs::path& dir, int n) {
    auto r = results(dir);
    std::map<std::string, int> seen;
    for (const auto& j : r) ++seen[j["id"].get<std::string>()];
    EXPECT_EQ(seen.size(), static_cast<size_t>(n));
    for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id;
}

}  // namespace

TEST(ReliabilityVm, CtrlCThenResume) {
    auto dir = fresh_dir("sigint");
    write_cases(dir / "cases", 40);
    auto out = dir / "out";
    std::vector<std::string> cmd = {modharness(), "run", "--kernel", mh::vmtest::kTestKernels[0], "--out", out.string(), "--quiet",
                                    (dir / "cases").string()};
    pid_t pid = spawn(cmd, dir / "log1");
    ASSERT_TRUE(wait_for_results(out, 3, 120)) << "no results appeared";
    ::kill(pid, SIGINT);
    EXPECT_EQ(wait_exit(pid), 130);
    EXPECT_TRUE(qemu_pids(out.string()).empty()) << "QEMU outlived an interrupted run";
    size_t partial = results(out).size();
    EXPECT_GE(partial, 3u);
    EXPECT_LT(partial, 40u) << "the run finished before the interrupt; the test proves nothing";
    // Without --resume the same --out is refused (nothing is overwritten).
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log2")), 3);
    cmd.insert(cmd.begin() + 2, "--resume");
    EXPECT_EQ(wait_exit(spawn(cmd, dir / "log3")), 0);
    expect_each_once(out, 40);
}

TEST(ReliabilityVm, SigkillLeavesNoQemuAndResumes) {
    auto dir = fresh_dir("sigkill");
    write_cases(dir / "cases", 40);
    auto out = dir / "out";
    std::vector<std::string> cmd = {modharness(), "run", "--kernel", mh::vmtest::kTestKernels[0], "--out", out.string(), "--quiet",
                                    (dir / "cases").string()};
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
    pid_t pid = spawn({modharness(), "run", "--kernel", mh::vmtest::kTestKernels[0], "--out", out.string(),
                       (dir / "cases").string()},
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
    EXPECT_EQ(by["slow"]["verdict"], "KERNEL");       // from its own hang on the retry, not from the kill
    EXPECT_EQ(by["slow"]["vm"], 2);                   // ... which ran in a second VM
    EXPECT_EQ(by["after"]["verdict"], "PASS");
    std::ifstream log(dir / "log1");
    std::stringstream ss;
    ss << log.rdbuf();
    EXPECT_NE(ss.str().find("QEMU was killed"), std::string::npos);
}
