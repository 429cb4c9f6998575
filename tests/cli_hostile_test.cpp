// Hostile inputs to the tool itself: every one gets one clear error naming the problem and a CI
// exit code (2 usage/bad input, 3 environment), never a crash, a hang or a VM boot. Bad numbers and
// unknown names are usage errors before any download, build or boot.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Outcome {
    int code;
    std::string output;
};

Outcome run(const std::string& args, const std::string& env = "") {
    const char* b = std::getenv("MH_BUILD_DIR");
    std::string cmd = env + "timeout 60 " + std::string(b ? b : ".") + "/harness/cli/modharness " + args + " 2>&1";
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

// A usage error that did no work: `args` run with MH_CACHE_DIR on a fresh empty directory exits 2,
// naming each needle, and the cache is still empty (no kernel fetched, no seed built, no
// accelerator probed, no VM booted). No time bound: under ASan on a busy CI machine even a usage
// error can take over a second, and the empty cache already shows that nothing was done.
void expect_usage_before_any_work(const std::string& args, const std::vector<std::string>& needles) {
    SCOPED_TRACE(args);
    const fs::path cache = fs::temp_directory_path() / ("mh-hostile-cache-" + std::to_string(::getpid()));
    fs::remove_all(cache);
    fs::create_directories(cache);
    const Outcome o = run(args, "MH_CACHE_DIR=" + cache.string() + " ");
    EXPECT_EQ(o.code, 2) << o.output;
    for (const auto& n : needles) EXPECT_NE(o.output.find(n), std::string::npos) << "missing '" << n << "' in: " << o.output;
    EXPECT_TRUE(fs::is_empty(cache)) << "the cache was written to: " << o.output;
    fs::remove_all(cache);
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
    // Names are checked before the kernel: the unknown malformation is reported (usage, exit 2), not
    // the non-kernel (which used to win, with exit 3, hiding the case file's mistake).
    expect(run("run --kernel /etc/passwd --accel tcg " + bad_malform.string()), 2,
           bad_malform.string() + ":1 (case a): unknown malformation");
}

TEST(CliHostile, NotAKernelAndMissingQemu) {
    auto cases = tmp("ok.cases", "id=a call=finit fd=minus1 image=none expect=EBADF\n");
    auto fake = tmp("fake-bzImage", std::string(4096, 'x'));
    expect(run("run --kernel " + fake.string() + " --accel tcg " + cases.string()), 3, fake.string());
    expect(run("run --kernel /nonexistent/bzImage --accel tcg " + cases.string()), 3, "/nonexistent/bzImage");
    // A name no kernel can have is a usage error (exit 2; it was 3 when found missing from the cache).
    expect(run("run --kernel no-such-alias-or-package --no-fetch --accel tcg " + cases.string()), 2,
           "unknown kernel 'no-such-alias-or-package'");
    // A well-formed package name that is not cached is the machine's lack: exit 3, how to fetch it.
    expect(run("run --kernel linux-image-0.0.0-1-none-amd64 --no-fetch --accel tcg " + cases.string()), 3, "modharness kernel fetch");
}

TEST(CliHostile, BadRunsForDiff) {
    expect(run("diff /nonexistent/a /nonexistent/b"), 2, "/nonexistent/a");
    auto junk = tmp("junk.json", "{\"schema\": \"something-else\"}");
    expect(run("diff " + junk.string() + " " + junk.string()), 2, junk.string());
}

// Every numeric option takes one whole number in its range; anything else names the option, the
// value and the range, before any kernel is looked at.
TEST(CliHostile, BadNumbersAreUsageErrors) {
    auto cases = tmp("num.cases", "id=a call=finit fd=minus1 image=none expect=EBADF\n");
    const std::string out = (fs::temp_directory_path() / ("mh-hostile-fuzz-" + std::to_string(::getpid()))).string();
    const std::vector<std::vector<std::string>> rows = {
        {"run --memory 0 " + cases.string(), "--memory '0'", "128..65536"},
        {"run --memory 1024MB " + cases.string(), "--memory '1024MB'", "not a whole number"},
        {"run --boot-timeout -5 " + cases.string(), "--boot-timeout '-5'", "1..3600"},
        {"conform --boot-timeout 10s", "--boot-timeout '10s'"},
        {"throughput --memory abc", "--memory 'abc'"},
        {"throughput --fuzz-seconds 5000", "--fuzz-seconds '5000'", "0..3600"},
        {"throughput --engines libfuzzer,nosuch", "unknown engine 'nosuch'"},
        {"conform --shard 4/3", "--shard '4/3'", "1 <= I <= N"},
        {"run --shard 1 " + cases.string(), "--shard '1'"},
        {"run --vms 0 " + cases.string(), "--vms '0'", "1..16"},
        {"conform --vms 2x", "--vms '2x'", "not a whole number"},
        {"run --reset fast " + cases.string(), "--reset must be snapshot or boot", "'fast'"},
        {"run --snapshot-cache= " + cases.string(), "--snapshot-cache needs a directory or off"},
        {"fuzz --out " + out + " --rng-seed abc", "--rng-seed 'abc'", "1..18446744073709551615"},
        {"fuzz --out " + out + " --rng-seed 0", "--rng-seed '0'"},
        {"fuzz --out " + out + " --jobs 2x", "--jobs '2x'", "1..64"},
        {"fuzz --out " + out + " --max-len -1", "--max-len '-1'", "1..1073741824"},
        {"fuzz --out " + out + " --memory 0", "--memory '0'", "256..65536"},
        {"fuzz --out " + out + " --duration -5m", "--duration '-5m'"},
        {"fuzz --out " + out + " --duration 10x", "--duration '10x'", "unknown unit 'x'"},
        {"fuzz --out " + out + " --sync-dir /tmp --instance a/b", "--instance 'a/b'", "at most 24 characters"},
        {"fuzz --out " + out + " --instance a", "--instance names this campaign in a --sync-dir"},
        {"fuzz merge", "give OUT and at least one DIR"},
        {"fuzz merge " + out + " /nonexistent-corpus", "/nonexistent-corpus is not a directory"},
        {"fuzz merge " + out + " " + cases.string() + " --reset fast", "--reset must be snapshot or boot"},
        {"repro --runs 1x " + cases.string(), "--runs '1x'", "1..100"},
        {"repro --reset fast " + cases.string(), "--reset must be snapshot or boot", "'fast'"},
        {"repro --snapshot-cache= " + cases.string(), "--snapshot-cache needs a directory or off"},
        {"kernel build-fuzz --jobs 0", "--jobs '0'", "1..256"},
        {"cover --top 5abc", "--top '5abc'"},
        {"check-package --max-failures abc /nonexistent", "--max-failures 'abc'"},
        {"matrix --kernels debian-6.1-cloud --jobs 0", "--jobs '0'", "1..16"},
        {"matrix --kernels debian-6.1-cloud@newest:0", "newest:N takes a whole number 1..1000"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud --case p1-nocap-init --retries 9", "--retries '9'", "0..5"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud --case p1-nocap-init --top 0", "--top '0'", "1..200"},
    };
    for (const auto& row : rows) expect_usage_before_any_work(row[0], std::vector<std::string>(row.begin() + 1, row.end()));
    EXPECT_FALSE(fs::exists(out)) << "fuzz created its --out for a bad option";
}

// A name modharness checks later (kernel, seed module, malformation, engine, group) is checked
// first: exit 2 with the valid names, before any download, seed build or boot. Each of these
// would otherwise fetch the default kernel into the (empty) cache.
TEST(CliHostile, UnknownNamesAreUsageErrorsBeforeAnyDownload) {
    auto cases = tmp("names.cases", "id=a call=finit fd=minus1 image=none expect=EBADF\n");
    auto bad_seed = tmp("badseed.cases", "id=s call=finit image=seed:no-such-seed\n");
    auto bad_malform = tmp("badmalform2.cases", "id=m call=init image=seed:ok malform=ehdr-bad-magik\n");
    const std::string out = (fs::temp_directory_path() / ("mh-hostile-fuzz-" + std::to_string(::getpid()))).string();
    const std::vector<std::vector<std::string>> rows = {
        {"run --kernel debian-6.1-clud " + cases.string(), "unknown kernel 'debian-6.1-clud'", "debian-6.1-cloud", "linux-image-"},
        {"run " + bad_seed.string(), bad_seed.string() + ":1 (case s): unknown seed module 'no-such-seed'", "known: ok,"},
        {"run " + bad_malform.string(), "unknown malformation 'ehdr-bad-magik'", "similar: ", "ehdr-bad-magic", "modharness malformations"},
        {"conform --kernel debian-6.1-cloud --kernel debian-6.12-clod", "unknown kernel 'debian-6.12-clod'"},
        {"conform --group no-such-group", "unknown --group 'no-such-group'", "default"},
        {"kernel fetch debian-6.1-cloud no-such-kernel", "unknown kernel 'no-such-kernel'"},
        {"kernel info no-such-kernel", "unknown kernel 'no-such-kernel'"},
        {"seeds --kernel no-such-kernel", "unknown kernel 'no-such-kernel'"},
        {"seeds no-such-seed", "unknown seed module 'no-such-seed'", "known: ok,"},
        {"accel --kernel no-such-kernel", "unknown kernel 'no-such-kernel'"},
        {"fuzz --out " + out + " --seeds ok,no-such-seed", "--seeds: unknown seed module 'no-such-seed'"},
        {"fuzz --out " + out + " --engine warp", "unknown --engine 'warp'", "libfuzzer, libfuzzer-bytes, random, aflpp"},
        {"fuzz --out " + out + " --kernel no-such-kernel", "unknown kernel 'no-such-kernel'"},
        {"matrix", "no kernel set: --kernels SET"},
        {"matrix --kernels debian-6.1-clud@all", "unknown line 'debian-6.1-clud'", "LINE@SELECTOR"},
        {"matrix --kernels debian-6.1-cloud,no-such-kernel", "'no-such-kernel': not a kernel name"},
        {"matrix --kernels debian-6.1-cloud --group no-such-group", "unknown --group 'no-such-group'", "default"},
        {"matrix --kernels debian-6.1-cloud --man-page no-such-page", "unknown --man-page 'no-such-page'", "manpages-6.03"},
        {"matrix --kernels debian-6.1-cloud --only E1 " + cases.string(), "--group, --only and --man-page are for the suite"},
        {"kernel list --available 'debian-6.12-cloud@..'", "a range needs at least one bound"},
        {"bisect --case e", "no kernel set: --kernels SET"},
        {"symbolize", "no INPUT: a report, a crash group or a conformance run"},
        {"symbolize /nonexistent/report.txt", "/nonexistent/report.txt"},
        {"symbolize " + cases.string(), "which kernel? --kernel NAME or --vmlinux PATH"},
        {"conform --kcidb /nonexistent/dir/k.json", "--kcidb '/nonexistent/dir/k.json': no directory /nonexistent/dir"},
        {"matrix --kernels debian-6.1-cloud --kcidb /tmp", "--kcidb '/tmp': not a file name"},
        {"fuzz --out " + out + " --kcidb /nonexistent/k.json", "no directory /nonexistent"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud", "no case: --case [GROUP/]ID"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud --case default/", "--case 'default/' has no id"},
        {"bisect --kernels debian-6.1-clud@all --case e", "unknown line 'debian-6.1-clud'"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud --case e --man-page no-such-page", "unknown --man-page 'no-such-page'"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud --case no-such-case", "--case 'no-such-case': no such case in the suite"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud --case nogroup/p1-nocap-init", "unknown group 'nogroup'", "default"},
        {"bisect --kernels debian-6.1-cloud,debian-6.12-cloud --case nope " + cases.string(), "no case with id=nope in the CASEFILEs"},
    };
    for (const auto& row : rows) expect_usage_before_any_work(row[0], std::vector<std::string>(row.begin() + 1, row.end()));
    EXPECT_FALSE(fs::exists(out)) << "fuzz created its --out for a bad name";
}

// The bench rows of the two tests above, on their own: a build configured with -DMH_BENCH=OFF (the
// sanitizer pass of scripts/test.sh) has no bench command to ask, so they are skipped there.
TEST(CliHostile, BenchOptionsAreUsageErrorsBeforeAnyDownload) {
    if (run("bench --help").output.find("this build has no benchmarks") != std::string::npos)
        GTEST_SKIP() << "this build has no benchmarks (-DMH_BENCH=OFF)";
    const std::vector<std::vector<std::string>> rows = {
        {"bench --reps 2x", "--reps '2x'", "1..100000"},
        {"bench --memory 0", "--memory '0'", "128..65536"},
        {"bench --compare no-such-kernel", "unknown kernel 'no-such-kernel'"},
    };
    for (const auto& row : rows) expect_usage_before_any_work(row[0], std::vector<std::string>(row.begin() + 1, row.end()));
}
