// VM smoke test of `modharness bench`: a tiny run (2 sizes, 3 samples) on Debian 6.1 cloud must
// produce a report whose summary has the buffer and fd paths with positive times.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/kernels/kernel_cache.h"
#include "harness/host/process.h"

namespace fs = std::filesystem;

TEST(BenchVm, QuickRunReportsBothPaths) {
    if (!mh::kernels::find_cached_kernel("debian-6.1-cloud"))
        GTEST_SKIP() << "debian-6.1-cloud not cached (modharness kernel fetch debian-6.1-cloud)";
    fs::path out = fs::temp_directory_path() / ("mh-bench-vm-test-" + std::to_string(::getpid()));
    mh::host::ProcessOptions po;
    po.timeout = std::chrono::milliseconds(170000);
    po.merge_stderr = true;
    auto r = mh::host::run_process(
        {MH_MODHARNESS_PATH, "bench", "--quick", "--kernel", "debian-6.1-cloud", "--no-fetch", "--accel", "tcg", "--out", out.string()},
        po);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->success()) << r->status_text() << "\n" << mh::host::tail_lines(r->out, 30);
    std::ifstream in(out / "summary.json");
    ASSERT_TRUE(in) << "no summary.json";
    auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["accel"], "tcg");
    ASSERT_EQ(j["kernels"].size(), 1u);
    const auto& lat = j["kernels"][0]["latency"];
    for (const char* size : {"8k", "64k"})
        for (const char* path : {"buffer", "finit_warm", "finit_cold", "mmap"}) {
            ASSERT_TRUE(lat.contains(size) && lat[size].contains(path)) << size << " " << path;
            EXPECT_GT(lat[size][path]["median_ns"].get<double>(), 0) << size << " " << path;
        }
    EXPECT_TRUE(fs::exists(out / "latency.svg"));
    EXPECT_TRUE(fs::exists(out / "ratio.svg"));
    EXPECT_TRUE(fs::exists(out / "report.md"));
    std::error_code ec;
    fs::remove_all(out, ec);
}
