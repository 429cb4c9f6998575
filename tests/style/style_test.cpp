// Design rules kept as tests (syzkaller keeps its own this way): which room may include which,
// where syscall numbers may appear, and which code may read whole files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness/common/files.h"

namespace {

namespace fs = std::filesystem;

fs::path source_root() {
    const char* root = std::getenv("MH_SOURCE_DIR");
    return root != nullptr ? fs::path(root) : fs::path(MH_SOURCE_DIR_DEFAULT);
}

// The room a file belongs to: "harness/<room>", or the top-level folder with its first
// subfolder where that is a room of its own ("bench/report", "fuzz/guest", ...).
std::string room_of(const std::string& rel) {
    auto first = rel.find('/');
    if (first == std::string::npos) return "";
    auto second = rel.find('/', first + 1);
    std::string top = rel.substr(0, first);
    std::string sub = second == std::string::npos ? "" : rel.substr(first + 1, second - first - 1);
    if (top == "harness") return "harness/" + sub;
    if ((top == "bench" || top == "fuzz" || top == "conformance") && !sub.empty()) return top + "/" + sub;
    return top;
}

// Which rooms each room may include (besides itself). Lower layers never include higher ones.
const std::map<std::string, std::set<std::string>>& allowed() {
    static const std::map<std::string, std::set<std::string>> rules = [] {
        std::map<std::string, std::set<std::string>> r;
        auto add = [&](const std::string& room, std::set<std::string> deps) {
            deps.insert("harness/common");
            r[room] = deps;
        };
        add("harness/common", {});
        add("harness/sys", {});
        add("harness/guest_guard", {});
        add("harness/inputs", {});
        add("harness/elf", {});
        add("harness/kernel_log", {});
        add("harness/host", {});
        add("harness/paths", {});
        add("harness/protocol", {"harness/inputs"});
        add("harness/verdict", {"harness/kernel_log", "harness/sys"});
        add("harness/kernels", {"harness/host", "harness/paths", "harness/elf"});
        add("harness/coverage", {"harness/host", "harness/kernels"});
        add("harness/symbolize", {"harness/host", "harness/kernel_log", "harness/coverage"});
        add("harness/vm", {"harness/host", "harness/protocol", "harness/kernel_log"});
        add("harness/mutate", {"harness/elf", "harness/sys", "harness/inputs"});
        // Guest programs: the executor and the engines and benchmark that run beside it.
        add("harness/executor", {"harness/guest_guard", "harness/inputs", "harness/protocol", "harness/sys", "harness/kernel_log"});
        add("fuzz/guest",
            {"harness/guest_guard", "harness/protocol", "harness/sys", "harness/kernel_log", "harness/elf", "harness/mutate"});
        add("bench/guest", {"harness/executor", "harness/guest_guard", "harness/protocol", "harness/sys"});
        add("bench/snapshot", {"harness/executor", "harness/guest_guard"});
        add("harness/session", {"harness/host", "harness/paths", "harness/kernels", "harness/vm", "harness/protocol", "harness/kernel_log",
                                "harness/verdict", "harness/sys", "harness/elf", "harness/inputs"});
        add("harness/campaign",
            {"harness/host", "harness/paths", "harness/kernels", "harness/vm", "harness/session", "harness/protocol", "harness/kernel_log",
             "harness/verdict", "harness/sys", "harness/elf", "harness/mutate", "harness/coverage", "harness/guest_guard"});
        add("conformance/report", {"harness/sys"});
        add("conformance/cases", {});
        add("conformance", {"conformance/report", "harness/host", "harness/paths", "harness/kernels", "harness/vm", "harness/session",
                            "harness/protocol", "harness/kernel_log", "harness/verdict", "harness/sys", "harness/elf", "harness/inputs"});
        add("bench/report", {"harness/protocol", "harness/elf"});
        add("bench/runner", {"bench/report", "harness/host", "harness/paths", "harness/kernels", "harness/vm", "harness/session",
                             "harness/protocol", "harness/kernel_log", "harness/sys", "harness/elf"});
        return r;
    }();
    return rules;
}

struct SourceFile {
    std::string rel;
    std::string text;
};

std::vector<SourceFile> sources() {
    std::vector<SourceFile> out;
    const fs::path root = source_root();
    for (const char* top : {"harness", "conformance", "bench", "fuzz", "tests", "corpus"}) {
        if (!fs::exists(root / top)) continue;
        for (const auto& e : fs::recursive_directory_iterator(root / top)) {
            if (!e.is_regular_file()) continue;
            auto ext = e.path().extension().string();
            if (ext != ".h" && ext != ".cpp" && ext != ".c") continue;
            // Committed triage results: generated C reproducers (data, with their own raw syscalls).
            if (fs::relative(e.path(), root).generic_string().rfind("fuzz/findings/", 0) == 0) continue;
            out.push_back({fs::relative(e.path(), root).generic_string(), mh::read_text_file(e.path()).value_or("")});
        }
    }
    return out;
}

bool is_test(const std::string& rel) {
    return rel.find("_test.cpp") != std::string::npos || rel.find("test_support") != std::string::npos ||
           rel.find("test_files") != std::string::npos || rel.find("fake_") != std::string::npos;
}

// Lines of `text` that match `re`, as "file:line: text".
std::vector<std::string> matches(const SourceFile& f, const std::regex& re) {
    std::vector<std::string> hits;
    std::istringstream in(f.text);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (std::regex_search(line, re)) hits.push_back(f.rel + ":" + std::to_string(n) + ": " + line);
    return hits;
}

TEST(Style, SourcesFound) {
    auto all = sources();
    EXPECT_GT(all.size(), 200u) << "source root " << source_root();
}

TEST(Style, IncludesFollowTheLayers) {
    const std::regex inc(R"re(^\s*#\s*include\s+"((harness|conformance|bench|fuzz)/[^"]+)")re");
    std::vector<std::string> bad;
    for (const auto& f : sources()) {
        std::string room = room_of(f.rel);
        auto rule = allowed().find(room);
        if (rule == allowed().end()) continue;  // cli, tests, host fuzz targets: may use any room
        std::istringstream in(f.text);
        std::string line;
        for (int n = 1; std::getline(in, line); ++n) {
            std::smatch m;
            if (!std::regex_search(line, m, inc)) continue;
            std::string target = room_of(m[1].str());
            if (target == room || rule->second.count(target)) continue;
            // A guest room's own tests may use the host-side test helpers.
            if (is_test(f.rel) && target == "harness/host") continue;
            bad.push_back(f.rel + ":" + std::to_string(n) + ": " + room + " includes " + target);
        }
    }
    EXPECT_TRUE(bad.empty()) << [&] {
        std::string s;
        for (const auto& b : bad) s += b + "\n";
        return s;
    }();
}

TEST(Style, SyscallNumbersOnlyInSys) {
    const std::regex nr(R"(__NR_|SYS_(init|finit|delete)_module)");
    std::vector<std::string> bad;
    for (const auto& f : sources()) {
        if (f.rel.rfind("harness/sys/", 0) == 0 || f.rel == "tests/style/style_test.cpp") continue;
        for (auto& h : matches(f, nr)) bad.push_back(h);
    }
    EXPECT_TRUE(bad.empty()) << [&] {
        std::string s;
        for (const auto& b : bad) s += b + "\n";
        return s;
    }();
}

TEST(Style, HostCodeIncludesNoGuestCode) {
    const std::regex guest_inc(
        R"re(#\s*include\s+"(harness/executor/|fuzz/guest/|bench/guest/|bench/snapshot/|harness/sys/syscalls\.h))re");
    std::vector<std::string> bad;
    for (const auto& f : sources()) {
        std::string room = room_of(f.rel);
        if (room == "harness/executor" || room == "fuzz/guest" || room == "bench/guest" || room == "bench/snapshot" ||
            room == "harness/sys")
            continue;
        if (f.rel == "tests/style/style_test.cpp") continue;
        for (auto& h : matches(f, guest_inc)) bad.push_back(h);
    }
    EXPECT_TRUE(bad.empty()) << [&] {
        std::string s;
        for (const auto& b : bad) s += b + "\n";
        return s;
    }();
}

TEST(Style, WholeFileReadsOnlyInCommon) {
    const std::regex whole(R"(rdbuf\(\)|istreambuf_iterator)");
    std::vector<std::string> bad;
    for (const auto& f : sources()) {
        if (f.rel.rfind("harness/common/", 0) == 0 || f.rel == "tests/style/style_test.cpp") continue;
        for (auto& h : matches(f, whole)) bad.push_back(h);
    }
    EXPECT_TRUE(bad.empty()) << bad.size() << " whole-file reads outside harness/common:\n"
                             << [&] {
                                    std::string s;
                                    for (const auto& b : bad) s += b + "\n";
                                    return s;
                                }();
}

}  // namespace
