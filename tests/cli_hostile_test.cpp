// Hostile inputs to the tool itself: every one gets one clear error naming the problem and a CI
// exit code (2 usage/bad input, 3 environment), never a crash, a hang or a VM boot.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Outcome {
    int code;
    std::string output;
};

Outcome run(const std::string& args) {
    const char* b = std::getenv("MH_BUILD_DIR");
    std::string cmd = "timeout 60 " + std::string(b ? b : ".") + "/harness/cli/modharness " + args + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    int st = ::pclose(p);
    return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out};
}

fs::path tmp(const std::string& name, const std::string& content) {
    auto p = fs::temp_directory_path() / ("mh-hostile-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

void expect(const Outcome& o, int code, const std::string& needle) {
    EXPECT_EQ(o.code, code) << o.output;
    EXPECT_NE(o.output.find(needle), std::string::npos) << "missing '" << needle << "' in: " << o.output;
    EXPECT_LT(o.code, 124) << "crashed or timed out: " << o.output;
}

}  // namespace

TEST(CliHostile, UsageErrors) {
    expect(run("bogus-command"), 2, "unknown command");
    expect(run("run"), 2, "no case file");
    expect(run("run --memory abc x.cases"), 2, "--memory");
    expect(run("run --accel warp x.cases"), 2, "--accel");
    expect(run("run --resume x.cases"), 2, "--resume needs the --out");
    expect(run("run --no-such-option x.cases"), 2, "--no-such-option");
    expect(run("conform --kernel a --kernel b --kernel c"), 2, "at most two");
}

TEST(CliHostile, BadCaseFiles) {
    expect(run("run /nonexistent/cases.txt"), 2, "cannot read case file /nonexistent/cases.txt");
    auto garbage = tmp("garbage.cases", std::string("\x7f"
                                                    "ELF\x01\x02\x00\xff binary junk\n",
                                                    20));
    expect(run("run " + garbage.string()), 2, garbage.string() + ":1");
    auto badkey = tmp("badkey.cases", "id=a call=finit\nid=b call=finit fd=warp-drive\n");
    expect(run("run " + badkey.string()), 2, badkey.string() + ":2");
    auto dup = tmp("dup.cases", "id=a call=finit fd=minus1 image=none\nid=a call=finit fd=minus1 image=none\n");
    expect(run("run " + dup.string()), 2, "duplicate case id 'a'");
    // The same id in two case files: refused before any kernel is resolved (a kernel that does
    // not exist would otherwise be the error) and before anything boots.
    auto dup2 = tmp("dup2.cases", "id=b call=finit fd=minus1 image=none\nid=a call=finit fd=minus1 image=none\n");
    auto one = tmp("one.cases", "id=a call=finit fd=minus1 image=none\n");
    auto dup_out = fs::temp_directory_path() / ("mh-hostile-" + std::to_string(::getpid()) + "-dupout");
    auto across = run("run --kernel /nonexistent/bzImage --no-fetch --out " + dup_out.string() + " " + one.string() + " " + dup2.string());
    expect(across, 2, "duplicate case id 'a'");
    EXPECT_NE(across.output.find(one.string() + ":1"), std::string::npos) << across.output;
    EXPECT_NE(across.output.find(dup2.string() + ":2"), std::string::npos) << across.output;
    EXPECT_FALSE(fs::exists(dup_out / "initrd.cpio"));
    auto bad_expect = tmp("badexpect.cases", "id=a call=finit fd=minus1 image=none expect=ENOTANERRNO\n");
    expect(run("run " + bad_expect.string()), 2, "ENOTANERRNO");
    auto empty = tmp("empty.cases", "# only a comment\n\n");
    expect(run("run " + empty.string()), 2, "no cases");
    auto bad_malform = tmp("badmalform.cases", "id=a call=init image=synth:-131 malform=no-such-malformation\n");
    // Resolving images needs a kernel; with a non-kernel it stops there (environment), naming the file.
    expect(run("run --kernel /etc/passwd --accel tcg " + bad_malform.string()), 3, "/etc/passwd");
}

TEST(CliHostile, NotAKernelAndMissingQemu) {
    auto cases = tmp("ok.cases", "id=a call=finit fd=minus1 image=none expect=EBADF\n");
    auto fake = tmp("fake-bzImage", std::string(4096, 'x'));
    expect(run("run --kernel " + fake.string() + " --accel tcg " + cases.string()), 3, fake.string());
    expect(run("run --kernel /nonexistent/bzImage --accel tcg " + cases.string()), 3, "/nonexistent/bzImage");
    expect(run("run --kernel no-such-alias-or-package --no-fetch --accel tcg " + cases.string()), 3, "no-such-alias-or-package");
}

TEST(CliHostile, BadRunsForDiff) {
    expect(run("diff /nonexistent/a /nonexistent/b"), 2, "/nonexistent/a");
    auto junk = tmp("junk.json", "{\"schema\": \"something-else\"}");
    expect(run("diff " + junk.string() + " " + junk.string()), 2, junk.string());
}
