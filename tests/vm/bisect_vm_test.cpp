// `modharness bisect` through the CLI: on the two cached cloud kernels, a case that changes between
// the lines (found, confirmed by a rerun, no changelog across lines), --resume without VMs, and a
// case file whose case does not change; over three 6.12 builds, the changelog commit of a change.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/common/files.h"
#include "tests/vm/cli_support.h"

using namespace mh;
namespace fs = std::filesystem;

namespace {

// E6: ENOEXEC on 6.1, passes every loader check on 6.12 (conformance/baselines).
constexpr const char* kChangingCase = "mal-section-offset-into-header-init";
constexpr const char* kBothCloud = "debian-6.1-cloud,debian-6.12-cloud";

}  // namespace

TEST(BisectVm, ChangeAcrossLinesIsConfirmedAndResumable) {
    const fs::path dir = vmtest::fresh_dir("bisect");
    const fs::path out = dir / "bi";
    const std::vector<std::string> argv = {vmtest::modharness(), "bisect",    "--kernels", kBothCloud, "--case",
                                           kChangingCase,        "--retries", "1",         "--out",    out.string()};
    const int rc = vmtest::wait_exit(vmtest::spawn(argv, dir / "first.log"));
    const std::string log = vmtest::read_text(dir / "first.log");
    ASSERT_EQ(rc, 1) << "a change exits 1\n" << log;

    const auto r = vmtest::read_json(out / "bisect.json");
    EXPECT_EQ(r.value("schema", ""), "modharness.bisect/1");
    EXPECT_EQ(r.value("status", ""), "changed");
    EXPECT_EQ(r["case"].value("id", ""), kChangingCase);
    ASSERT_EQ(r["kernels"].size(), 2u);
    EXPECT_EQ(r.value("last_same", 9), 0);
    EXPECT_EQ(r.value("first_changed", 9), 1);
    // The reference, the newest kernel and its one confirming rerun.
    EXPECT_EQ(r.value("runs", 0), 3) << r.dump();
    EXPECT_LE(r.value("kernels_probed", 99u), r.value("bound", 0u));
    const auto& newest = r["kernels"][1];
    ASSERT_EQ(newest["attempts"].size(), 2u) << newest.dump();
    EXPECT_EQ(newest["attempts"][0], newest["attempts"][1]);
    EXPECT_FALSE(newest.value("flaky", true));
    // Each side's cell is what that kernel's run recorded: ENOEXEC on 6.1, not on 6.12.
    EXPECT_EQ(r["before"]["cell"].value("errno", ""), "ENOEXEC") << r["before"].dump();
    EXPECT_NE(r["after"]["cell"].value("errno", "ENOEXEC"), "ENOEXEC") << r["after"].dump();
    EXPECT_EQ(r["before"]["record"].value("id", ""), kChangingCase);
    // Two lines share no changelog: a note, no items.
    EXPECT_EQ(r["candidates"].value("items", 9u), 0u);
    EXPECT_NE(r["candidates"].value("note", "").find("different kernel lines"), std::string::npos) << r["candidates"].dump();
    for (const auto& k : r["kernels"]) EXPECT_TRUE(fs::exists(out / k.value("release", "?") / "conformance.json")) << k.dump();
    EXPECT_TRUE(fs::exists(out / "retry-1" / newest.value("release", "?") / "conformance.json"));
    const std::string text = vmtest::read_text(out / "bisect.txt");
    EXPECT_NE(text.find("<- first changed"), std::string::npos) << text;

    // --resume: every probe finished, so nothing boots and the report is the same.
    auto resumed = argv;
    resumed.push_back("--resume");
    EXPECT_EQ(vmtest::wait_exit(vmtest::spawn(resumed, dir / "resume.log")), 1) << vmtest::read_text(dir / "resume.log");
    const auto again = vmtest::read_json(out / "bisect.json");
    EXPECT_EQ(again["kernels"], r["kernels"]);
    for (const auto& run : again["probe_runs"]) EXPECT_EQ(run.value("status", ""), "resumed") << run.dump();
    // Without --resume an OUT that holds a bisect is refused.
    EXPECT_EQ(vmtest::wait_exit(vmtest::spawn(argv, dir / "again.log")), 2) << vmtest::read_text(dir / "again.log");
}

// Three builds of the 6.12 line (fetched when missing: 2 x 33 MiB plus headers and a seed build
// each): the ELF validation series of 6.12.117 changes the errno of a non-STRTAB section name
// table (docs/regressions.md), and the changelog between the builds names the commit.
TEST(BisectVm, ThreeVersionsOfALineNameTheChangelogCommit) {
    const fs::path dir = vmtest::fresh_dir("bisect-line");
    const std::string set = "debian-6.12-cloud@6.12.115..6.12.118";
    const std::vector<std::string> plan = {vmtest::modharness(), "bisect", "--kernels", set, "--case", "mal-shstrtab-type-progbits-init",
                                           "--dry-run"};
    ASSERT_EQ(vmtest::wait_exit(vmtest::spawn(plan, dir / "plan.log")), 0) << vmtest::read_text(dir / "plan.log");
    if (vmtest::read_text(dir / "plan.log").find("bisect: 3 kernel(s)") == std::string::npos)
        GTEST_SKIP() << "the archive no longer offers 6.12.115, 6.12.117 and 6.12.118 as " << set << ":\n"
                     << vmtest::read_text(dir / "plan.log");
    const fs::path out = dir / "bi";
    const int rc = vmtest::wait_exit(vmtest::spawn({vmtest::modharness(), "bisect", "--kernels", set, "--case",
                                                    "mal-shstrtab-type-progbits-init", "--retries", "1", "--out", out.string()},
                                                   dir / "log"));
    ASSERT_EQ(rc, 1) << vmtest::read_text(dir / "log");
    const auto r = vmtest::read_json(out / "bisect.json");
    ASSERT_EQ(r["kernels"].size(), 3u);
    EXPECT_EQ(r["kernels"][r.value("last_same", 0)].value("label", ""), "6.12.115") << r["kernels"].dump();
    EXPECT_EQ(r["kernels"][r.value("first_changed", 0)].value("label", ""), "6.12.117");
    EXPECT_LE(r.value("kernels_probed", 99u), r.value("bound", 0u));
    EXPECT_EQ(r["before"]["cell"].value("errno", ""), "ENOTRECOVERABLE");
    EXPECT_EQ(r["after"]["cell"].value("errno", ""), "ENOEXEC");
    const auto& c = r["candidates"];
    EXPECT_GT(c.value("items", 0u), 1000u) << c.dump();  // upstream 6.12.116 and 6.12.117
    bool named = false;
    for (const auto& item : c["ranked"]) named = named || item.value("text", "") == "module: validate string table section types";
    EXPECT_TRUE(named) << c.dump();
}

TEST(BisectVm, UnchangedCaseFromACaseFileExitsZero) {
    const fs::path dir = vmtest::fresh_dir("bisect-same");
    const fs::path cases = dir / "two.cases";
    ASSERT_TRUE(write_file_atomic(cases,
                                  "id=ok-finit call=finit image=seed:ok expect=0\n"
                                  "id=bad-flags call=finit image=seed:ok flags=0x100 expect=EINVAL\n")
                    .ok());
    const fs::path out = dir / "bi";
    const int rc = vmtest::wait_exit(vmtest::spawn(
        {vmtest::modharness(), "bisect", "--kernels", kBothCloud, "--case", "bad-flags", "--out", out.string(), cases.string()},
        dir / "log"));
    ASSERT_EQ(rc, 0) << vmtest::read_text(dir / "log");
    const auto r = vmtest::read_json(out / "bisect.json");
    EXPECT_EQ(r.value("status", ""), "unchanged");
    EXPECT_EQ(r.value("runs", 0), 2);
    for (const auto& k : r["kernels"]) EXPECT_EQ(k.value("key", ""), r["kernels"][0].value("key", "?")) << k.dump();
    EXPECT_EQ(r["after"]["cell"].value("errno", ""), "EINVAL");
    EXPECT_FALSE(r.contains("candidates"));

    // A case that is not in the file: a usage error after the oldest kernel's run.
    const int missing = vmtest::wait_exit(vmtest::spawn({vmtest::modharness(), "bisect", "--kernels", kBothCloud, "--case", "no-such-case",
                                                         "--out", (dir / "bi2").string(), cases.string()},
                                                        dir / "missing.log"));
    EXPECT_EQ(missing, 2) << vmtest::read_text(dir / "missing.log");
}
