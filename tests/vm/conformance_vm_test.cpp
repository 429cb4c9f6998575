// A representative conformance subset on both Debian kernels, checked case by case against the
// committed baselines (conformance/baselines/<kernel>/conformance.json): same verdict, same errno;
// and the --baseline gate through the CLI.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "conformance/report/report.h"
#include "conformance/suite.h"
#include "tests/vm/cli_support.h"
#include "harness/common/files.h"
#include "harness/common/kv.h"
#include "harness/common/text.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/seed_modules.h"
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

namespace {

// A case of default.cases whose len= counts from the image ("image-1", "image/2", "image+1").
struct RelativeLenCase {
    std::string id;
    std::string image;  // "seed:NAME"
    std::string expr;
};

std::vector<RelativeLenCase> relative_len_cases() {
    std::vector<RelativeLenCase> out;
    auto text = read_text_file(std::filesystem::path(vmtest::source_dir()) / "conformance/cases/default.cases");
    EXPECT_TRUE(text.ok());
    const std::string all = text.value_or("");
    for (auto [line, number] : lines(all)) {
        auto rec = kv_parse(std::string(line));
        if (!rec) continue;
        auto len = rec->get("len");
        if (!len || len->rfind("image", 0) != 0) continue;
        out.push_back(RelativeLenCase{rec->get_or("id", ""), rec->get_or("image", ""), std::string(*len)});
    }
    return out;
}

// The length the case should have passed, from the image file's size and the expression, by
// arithmetic written here rather than the harness's own resolver.
uint64_t expected_len(uint64_t image_size, const std::string& expr) {
    char op = expr.at(5);
    uint64_t n = std::stoull(expr.substr(6));
    return op == '+' ? image_size + n : op == '/' ? image_size / n : (n > image_size ? 0 : image_size - n);
}

}  // namespace

// Each relative-length case of default.cases records the length the executor passed, which is
// the image's size plus or minus the case's offset (issue #19: len=image-1 used to be recorded
// as len: 1), in conformance.json and in results.jsonl alike.
TEST(ConformanceVmInputs, RelativeLengthsAreRecordedAsPassed) {
    const std::string kernel = "debian-6.1-cloud";
    auto cases = relative_len_cases();
    ASSERT_GE(cases.size(), 4u) << "default.cases has image-1, image/2, image+1 and image+65536 cases";
    std::string filter;
    for (const auto& c : cases) filter += (filter.empty() ? "" : ",") + c.id;

    conformance::SuiteOptions so;
    so.session.kernel = kernel;
    so.session.out_dir = std::filesystem::temp_directory_path() / ("mh-conf-vmtest-lengths-" + kernel);
    std::filesystem::remove_all(so.session.out_dir);
    so.conformance_dir = std::filesystem::path(vmtest::source_dir()) / "conformance";
    so.only_groups = {"default"};
    so.case_filter = filter;
    // The executor's own word on the length it passed (the result frame's "len"), apart from
    // what the record makes of it.
    std::map<std::string, std::string> echoed;
    so.session.on_case = [&echoed](const session::HostCase& hc, const session::CaseOutcome& co) {
        if (co.guest) echoed[hc.guest.id] = co.guest->get_or("len", "(none)");
    };
    auto t0 = std::chrono::steady_clock::now();
    auto run = conformance::run_suite(so);
    ASSERT_TRUE(run.ok()) << run.error().message;

    // The image sizes, from the seed modules' files (cached by the run above).
    auto k = kernels::resolve_kernel(kernel, false);
    ASSERT_TRUE(k.ok()) << k.error().message;
    std::map<std::string, nlohmann::json> by_id, jsonl_by_id;
    for (const auto& c : (*run)["cases"]) by_id[c.value("id", "")] = c;
    auto jsonl = read_text_file(so.session.out_dir / "default" / "results.jsonl");
    ASSERT_TRUE(jsonl.ok());
    for (auto [line, number] : lines(*jsonl)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.contains("id")) jsonl_by_id[j.value("id", "")] = j;
    }
    for (const auto& c : cases) {
        ASSERT_EQ(c.image.rfind("seed:", 0), 0u) << c.id << ": the test sizes seed images only";
        const std::string seed = c.image.substr(5);
        auto seeds = kernels::build_seed_modules(*k, {seed}, false);
        ASSERT_TRUE(seeds.ok()) << seeds.error().message;
        const uint64_t size = std::filesystem::file_size(seeds->modules.at(seed));
        const uint64_t want = expected_len(size, c.expr);
        ASSERT_TRUE(by_id.count(c.id)) << c.id << " did not run";
        EXPECT_EQ(echoed[c.id], std::to_string(want)) << c.id << ": the executor's result frame";
        for (const auto* rec : {&by_id[c.id], &jsonl_by_id[c.id]}) {
            const auto& in = (*rec)["input"];
            EXPECT_NE(rec->value("verdict", ""), "BROK") << c.id << ": " << rec->value("reason", "");
            EXPECT_EQ(in.value("len", uint64_t{0}), want) << c.id << " (" << c.expr << " of " << size << " bytes)";
            EXPECT_EQ(in.value("len_expr", ""), c.expr) << c.id;
            EXPECT_EQ(in.value("image_bytes", uint64_t{0}), size) << c.id;
            EXPECT_FALSE(in.contains("len_resolved")) << c.id << ": the guest and the host disagree";
        }
        std::printf("[ metrics  ] %s: %s of %llu bytes -> len %llu, %s %s\n", c.id.c_str(), c.expr.c_str(),
                    static_cast<unsigned long long>(size), static_cast<unsigned long long>(want), by_id[c.id].value("verdict", "").c_str(),
                    by_id[c.id].value("errno", "").c_str());
    }
    std::printf("[ metrics  ] %zu relative-length cases, %.1f s\n", cases.size(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}
