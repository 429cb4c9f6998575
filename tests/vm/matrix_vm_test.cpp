// A two-version kernel matrix through the CLI: both Debian cloud kernels, a few classes, two
// kernels at once; the JSON agrees with each kernel's own run, and --resume reuses both.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "conformance/report/kcidb.h"
#include "conformance/report/report.h"
#include "harness/common/files.h"
#include "tests/vm/cli_support.h"
#include "tests/vm/vm_test_support.h"

using namespace mh;
namespace fs = std::filesystem;

namespace {

// E6 (a section's offset inside the ELF header) is ENOEXEC on 6.1 and passes every loader check
// on 6.12 (conformance/baselines): a change point. E1 and F1 are the same on both.
constexpr const char* kOnly = "E1,E6,F1";
constexpr const char* kChangingCase = "default/mal-section-offset-into-header-init";

}  // namespace

TEST(MatrixVm, TwoCloudKernelsInParallelWithChangePointsAndResume) {
    const fs::path dir = vmtest::fresh_dir("matrix");
    const fs::path out = dir / "mx";
    const std::vector<std::string> argv = {vmtest::modharness(),
                                           "matrix",
                                           "--kernels",
                                           "debian-6.1-cloud,debian-6.12-cloud",
                                           "--only",
                                           kOnly,
                                           "--jobs",
                                           "2",
                                           "--out",
                                           out.string(),
                                           "--kcidb",
                                           (dir / "kcidb.json").string()};
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = vmtest::wait_exit(vmtest::spawn(argv, dir / "first.log"));
    const double first_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string log = vmtest::read_text(dir / "first.log");
    ASSERT_EQ(rc, 1) << "a change point exits 1\n" << log;

    const auto m = vmtest::read_json(out / "matrix.json");
    EXPECT_EQ(m.value("schema", ""), "modharness.matrix/1");
    EXPECT_TRUE(m.value("complete", false));
    ASSERT_EQ(m["kernels"].size(), 2u) << log;
    // Ordered by Debian version: 6.1 before 6.12.
    EXPECT_EQ(m["kernels"][0]["family"], "debian-6.1-cloud");
    EXPECT_EQ(m["kernels"][1]["family"], "debian-6.12-cloud");
    for (const auto& k : m["kernels"]) {
        EXPECT_EQ(k.value("status", ""), "ran") << k.dump();
        EXPECT_GE(k.value("vms", 0), 1) << k.dump();
        const fs::path kdir = out / k.value("dir", "?");
        for (const char* f : {"conformance.json", "report.html", "junit.xml", "summary.txt", "matrix-kernel.json"})
            EXPECT_TRUE(fs::exists(kdir / f)) << kdir / f;
        // Every cell is what that kernel's own run recorded.
        auto run = conformance::load_run(kdir);
        ASSERT_TRUE(run.ok()) << run.error().message;
        std::map<std::string, std::string> errno_of;
        for (const auto& c : (*run)["cases"]) errno_of[c.value("group", "") + "/" + c.value("id", "")] = c.value("errno", "");
        EXPECT_EQ(k.value("cases", 0u), errno_of.size());
        const std::size_t col = &k == &m["kernels"][0] ? 0 : 1;
        for (const auto& row : m["rows"]) {
            const auto& cell = row["cells"][col];
            ASSERT_TRUE(cell.is_object()) << row.dump();
            EXPECT_EQ(cell.value("errno", "?"), errno_of[row.value("group", "") + "/" + row.value("id", "")]) << row.dump();
        }
    }
    EXPECT_GE(m["rows"].size(), 50u);
    const auto& timing = m["timing"];
    EXPECT_EQ(timing.value("jobs", 0), 2);
    EXPECT_GE(timing.value("vm_boots", 0), 2);
    EXPECT_GT(timing.value("wall_seconds", 0.0), 0.0);

    // The change point: E6 on 6.12, in errno; the unchanged classes have none.
    ASSERT_EQ(m["change_points"].size(), 1u) << m["change_points"].dump();
    const auto& cases = m["change_points"][0]["cases"];
    EXPECT_NE(std::find(cases.begin(), cases.end(), kChangingCase), cases.end()) << cases.dump();
    for (const auto& row : m["rows"]) {
        const bool changes = !row["changes"].empty();
        if (row.value("class", "") != "E6") {
            EXPECT_FALSE(changes) << row.dump();
        }
        if (row.value("group", "") + "/" + row.value("id", "") == kChangingCase) {
            ASSERT_TRUE(changes);
            EXPECT_EQ(row["changes"][0]["at"], 1);
            EXPECT_EQ(row["changes"][0]["fields"][0], "errno");
        }
    }
    // KCIDB: both kernels' runs in one valid submission, a test per case and kernel.
    const auto kcidb = vmtest::read_json(dir / "kcidb.json");
    EXPECT_TRUE(conformance::kcidb_problems(kcidb).empty()) << conformance::kcidb_problems(kcidb).front();
    EXPECT_EQ(kcidb["builds"].size(), 2u);
    EXPECT_EQ(kcidb["tests"].size(), 2 * m["rows"].size());
    const std::string text = vmtest::read_text(out / "matrix.txt");
    EXPECT_NE(text.find(kChangingCase), std::string::npos) << text;
    EXPECT_NE(vmtest::read_text(out / "matrix.html").find("</html>"), std::string::npos);
    EXPECT_NE(log.find("[2/2] debian-6.12-cloud"), std::string::npos) << log;

    // --resume: both kernels finished, so nothing runs and the matrix is the same.
    auto resumed_argv = argv;
    resumed_argv.push_back("--resume");
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(vmtest::wait_exit(vmtest::spawn(resumed_argv, dir / "resume.log")), 1) << vmtest::read_text(dir / "resume.log");
    const double resume_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    const auto r = vmtest::read_json(out / "matrix.json");
    for (const auto& k : r["kernels"]) EXPECT_EQ(k.value("status", ""), "resumed") << k.dump();
    EXPECT_EQ(r["rows"], m["rows"]);
    EXPECT_EQ(r["timing"].value("vm_boots", -1), 0);
    // Without --resume an OUT holding a matrix is refused before any work.
    EXPECT_EQ(vmtest::wait_exit(vmtest::spawn(argv, dir / "again.log")), 2) << vmtest::read_text(dir / "again.log");
    std::printf("[ metrics  ] matrix of 2 kernels x %zu cases with --jobs 2: %.1f s (wall in JSON %.1f s, %d VM boots); --resume %.1f s\n",
                m["rows"].size(), first_seconds, timing.value("wall_seconds", 0.0), timing.value("vm_boots", 0), resume_seconds);
}

// Case files instead of the suite: judged by their own expect=, one group "cases", no change.
TEST(MatrixVm, CaseFilesOnBothCloudKernels) {
    const fs::path dir = vmtest::fresh_dir("matrix-cases");
    const fs::path cases = dir / "three.cases";
    ASSERT_TRUE(write_file_atomic(cases,
                                  "id=ok-finit call=finit image=seed:ok expect=0\n"
                                  "id=bad-flags call=finit image=seed:ok flags=0x100 expect=EINVAL\n"
                                  "id=null-buf call=init image=none buf=null len=4096 expect=EFAULT\n")
                    .ok());
    const fs::path out = dir / "mx";
    const int rc = vmtest::wait_exit(vmtest::spawn(
        {vmtest::modharness(), "matrix", "--kernels", "debian-6.1-cloud,debian-6.12-cloud", "--out", out.string(), cases.string()},
        dir / "log"));
    ASSERT_EQ(rc, 0) << vmtest::read_text(dir / "log");
    const auto m = vmtest::read_json(out / "matrix.json");
    EXPECT_EQ(m["selection"]["case_files"].size(), 1u);
    ASSERT_EQ(m["rows"].size(), 3u);
    for (const auto& row : m["rows"]) {
        EXPECT_EQ(row.value("group", ""), "cases");
        for (const auto& cell : row["cells"]) EXPECT_EQ(cell.value("verdict", ""), "PASS") << row.dump();
    }
    EXPECT_EQ(m["rows"][1]["cells"][1].value("errno", ""), "EINVAL");
    EXPECT_TRUE(m["change_points"].empty());
}
