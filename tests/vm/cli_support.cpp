// CLI-driving VM test helpers: fork/exec with a log, /proc scan for QEMUs, results.jsonl readers.
#include "tests/vm/cli_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "harness/common/files.h"
#include "harness/common/text.h"

namespace fs = std::filesystem;

namespace mh::vmtest {

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
    const std::string text = read_text(dir / "results.jsonl");
    for (auto [line, number] : lines(text)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "unreadable results line: " << line.substr(0, 200);
        if (!j.is_discarded()) out.push_back(j);
    }
    return out;
}

bool wait_for_results(const fs::path& dir, size_t n, int seconds) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        const std::string text = read_text(dir / "results.jsonl");
        size_t count = 0;
        for (const Line& l : lines(text)) count = l.number;
        if (count >= n) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::vector<pid_t> qemu_pids(const std::string& needle) {
    std::vector<pid_t> out;
    for (const auto& e : fs::directory_iterator("/proc")) {
        std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmd = mh::read_text_file(e.path() / "cmdline").value_or("");
        if (cmd.find("qemu-system") != std::string::npos && cmd.find(needle) != std::string::npos) out.push_back(std::stoi(name));
    }
    return out;
}

namespace {

// Removes the scratch directories of each test that passed (a failed test's stay, named in the
// output, for a look at its logs). MH_KEEP_TEST_DIRS=1 keeps all of them.
class ScratchCleanup : public ::testing::EmptyTestEventListener {
public:
    static ScratchCleanup& instance() {
        static ScratchCleanup* c = [] {
            auto* l = new ScratchCleanup;  // owned by gtest's listener list from here on
            ::testing::UnitTest::GetInstance()->listeners().Append(l);
            return l;
        }();
        return *c;
    }
    void add(const fs::path& d) { dirs_.push_back(d); }
    void OnTestEnd(const ::testing::TestInfo& info) override {
        const char* keep = std::getenv("MH_KEEP_TEST_DIRS");
        for (const auto& d : dirs_) {
            if (info.result()->Passed() && !(keep && *keep == '1')) {
                std::error_code ec;
                fs::remove_all(d, ec);
            } else {
                std::printf("kept %s\n", d.c_str());
            }
        }
        dirs_.clear();
    }

private:
    std::vector<fs::path> dirs_;
};

}  // namespace

fs::path scratch_dir(const fs::path& dir) {
    ScratchCleanup::instance().add(dir);
    return dir;
}

fs::path fresh_dir(const std::string& name) {
    auto d = scratch_dir(fs::temp_directory_path() / ("mh-reliability-" + name + "-" + std::to_string(::getpid())));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

void write_cases(const fs::path& file, int n) {
    std::ofstream out(file);
    for (int i = 0; i < n; ++i) out << "id=c" << i << " call=" << (i % 2 ? "init" : "finit") << " image=seed:sentinel expect=sentinel\n";
}

std::string read_text(const fs::path& file) { return mh::read_text_file(file).value_or(""); }

nlohmann::json read_json(const fs::path& file) {
    auto j = nlohmann::json::parse(read_text(file), nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << file;
    return j.is_discarded() ? nlohmann::json() : j;
}

void expect_each_once(const fs::path& dir, int n) {
    auto r = results(dir);
    std::map<std::string, int> seen;
    for (const auto& j : r) ++seen[j["id"].get<std::string>()];
    EXPECT_EQ(seen.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(seen["c" + std::to_string(i)], 1) << "c" << i;
}

}  // namespace mh::vmtest
