// A representative conformance subset on both Debian kernels, checked case by case against the
// committed baselines (conformance/baselines/<kernel>/conformance.json): same verdict, same errno;
// and the --baseline gate through the CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "conformance/report/report.h"
#include "conformance/suite.h"
#include "tests/vm/cli_support.h"
#include "tests/vm/vm_test_support.h"

using namespace mh;

namespace {
// One or more classes from every part of the contract, kept small enough for CI (no kernel events).
constexpr const char* kSubset =
    "P1,P2,P5,B1,B2,B4,B7,F1,F2,F3,F5,F6,F7,F8,F9,F10,F13,F14,G1,G2,G3,G5,G7,G10,E1,E2,E3,E4,M1,M6,M11,M12,"
    "M15,M16,R3,R5,S1,S3,S5,A1,A4,A5,W1,W2,K1,K2,K3,K8";
}  // namespace

class ConformanceVm : public ::testing::TestWithParam<const char*> {};

TEST_P(ConformanceVm, SubsetMatchesBaseline) {
    std::string kernel = GetParam();
    auto baseline = conformance::load_run(std::filesystem::path(vmtest::source_dir()) / "conformance/baselines" / kernel);
    ASSERT_TRUE(baseline.ok()) << baseline.error().message;
    std::map<std::string, nlohmann::json> base;
    for (const auto& c : (*baseline)["cases"]) base[c["group"].get<std::string>() + "/" + c["id"].get<std::string>()] = c;

    conformance::SuiteOptions so;
    so.session.kernel = kernel;
    so.session.out_dir = std::filesystem::temp_directory_path() / ("mh-conf-vmtest-" + kernel);
    std::filesystem::remove_all(so.session.out_dir);
    so.conformance_dir = std::filesystem::path(vmtest::source_dir()) / "conformance";
    so.case_filter = kSubset;
    auto run = conformance::run_suite(so);
    ASSERT_TRUE(run.ok()) << run.error().message;
    size_t n = 0;
    for (const auto& c : (*run)["cases"]) {
        std::string key = c["group"].get<std::string>() + "/" + c["id"].get<std::string>();
        auto it = base.find(key);
        ASSERT_NE(it, base.end()) << key << " is not in the baseline";
        EXPECT_EQ(c.value("verdict", ""), it->second.value("verdict", "")) << key << ": " << c.value("reason", "");
        EXPECT_EQ(c.value("errno", "-"), it->second.value("errno", "-")) << key;
        EXPECT_EQ(c.value("class", ""), it->second.value("class", "")) << key;
        ++n;
    }
    EXPECT_GE(n, 100u) << "the subset should cover a good part of the suite";
    std::printf("[ metrics  ] %s: %zu cases, %.1f s\n", kernel.c_str(), n, (*run)["wall_seconds"].get<double>());
}

INSTANTIATE_TEST_SUITE_P(DebianCloud, ConformanceVm, ::testing::ValuesIn(vmtest::kTestKernels),
                         [](const ::testing::TestParamInfo<const char*>& p) { return vmtest::kernel_test_name(p.param); });

// The nightly gate through the CLI: a run of an unchanged kernel against a recorded run of the
// same cases exits 0 and says so; the same baseline edited to differ in one case exits 1 and names it.
TEST(ConformanceVm61, BaselineGateExitsZeroWhenUnchangedAndOneNamingAChangedCase) {
    const auto dir = vmtest::fresh_dir("baseline-gate");
    const std::string mh = vmtest::modharness();
    const std::vector<std::string> common = {mh, "conform", "--kernel", "debian-6.1-cloud", "--only", "E1,F1", "--quiet"};
    auto conform = [&](const std::string& out, std::vector<std::string> extra) {
        auto argv = common;
        argv.insert(argv.end(), {"--out", (dir / out).string()});
        argv.insert(argv.end(), extra.begin(), extra.end());
        return vmtest::wait_exit(vmtest::spawn(argv, dir / (out + ".log")));
    };
    // The recorded run: the same subset (a committed baseline holds the whole suite).
    const int recorded = conform("recorded", {});
    ASSERT_TRUE(recorded == 0 || recorded == 1) << vmtest::read_text(dir / "recorded.log");
    EXPECT_EQ(conform("same", {"--baseline", (dir / "recorded").string()}), 0) << vmtest::read_text(dir / "same.log");
    EXPECT_NE(vmtest::read_text(dir / "same.log").find("matches the baseline"), std::string::npos) << vmtest::read_text(dir / "same.log");

    // Edit one case of the baseline: the gate must fail and name it.
    auto run = conformance::load_run(dir / "recorded");
    ASSERT_TRUE(run.ok()) << run.error().message;
    std::string edited_id;
    for (auto& c : (*run)["cases"])
        if (c.value("errno", "") == "EBADF") {
            c["errno"] = "EINVAL";
            edited_id = c.value("id", "");
            break;
        }
    ASSERT_FALSE(edited_id.empty()) << "no EBADF case among E1,F1 to edit";
    {
        std::ofstream f(dir / "recorded" / "conformance.json", std::ios::trunc);
        f << run->dump(1);
    }
    EXPECT_EQ(conform("edited", {"--baseline", (dir / "recorded").string()}), 1) << vmtest::read_text(dir / "edited.log");
    const std::string log = vmtest::read_text(dir / "edited.log");
    EXPECT_NE(log.find("differs from the baseline"), std::string::npos) << log;
    EXPECT_NE(log.find(edited_id), std::string::npos) << log;
    const std::string diff = vmtest::read_text(dir / "edited" / "baseline-diff.txt");
    EXPECT_NE(diff.find(edited_id), std::string::npos) << diff;
}
