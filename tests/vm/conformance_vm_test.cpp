// A representative conformance subset on both Debian kernels, checked case by case against the
// committed baselines (conformance/baselines/<kernel>/conformance.json): same verdict, same errno.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "conformance/report/report.h"
#include "conformance/suite.h"
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
