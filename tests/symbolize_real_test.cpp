// `modharness symbolize` on the committed 6.1 cloud baseline's 18 KERNEL reports against the real
// Debian debug vmlinux (linux-image-<release>-dbg: fetched into the kernel cache on first use,
// about 300 MB, 25 s here). Skipped when the archive cannot be reached.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/common/files.h"
#include "harness/host/process.h"

namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

}  // namespace

TEST(SymbolizeReal, TheBaselinesKernelReportsResolveToLoaderSourceLines) {
    const std::string src = env_or("MH_SOURCE_DIR", MH_SOURCE_DIR_DEFAULT);
    const std::string mh = env_or("MH_BUILD_DIR", src + "/build") + "/harness/cli/modharness";
    const fs::path json = fs::temp_directory_path() / ("mh-symbolize-real-" + std::to_string(::getpid()) + ".json");
    mh::host::ProcessOptions o;
    o.merge_stderr = true;
    o.timeout = std::chrono::minutes(20);
    auto r = mh::host::run_process({mh, "symbolize", src + "/conformance/baselines/debian-6.1-cloud", "--json", json.string()}, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    if (r->exit_code == 3 && (r->out.find("apt") != std::string::npos || r->out.find("archive") != std::string::npos))
        GTEST_SKIP() << "the Debian archive cannot be reached for the -dbg package:\n"
                     << r->out.substr(r->out.size() > 2000 ? r->out.size() - 2000 : 0);
    ASSERT_EQ(r->exit_code, 0) << r->out.substr(r->out.size() > 4000 ? r->out.size() - 4000 : 0);
    auto j = nlohmann::json::parse(mh::read_text_file(json).value_or(""), nullptr, false);
    fs::remove(json);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j.value("schema", ""), "modharness.symbolized/1");
    ASSERT_EQ(j["reports"].size(), 18u) << "the 6.1 baseline's KERNEL verdicts";
    std::size_t frames = 0, resolved = 0;
    bool kallsyms = false;
    for (const auto& rep : j["reports"]) {
        bool ip_resolved = false;
        for (const auto& f : rep["frames"]) {
            ++frames;
            const bool ok = !f["locations"].empty() && !f["locations"].back().value("file", "").empty();
            resolved += ok;
            if (f.value("ip", false)) ip_resolved = ok;
        }
        EXPECT_TRUE(ip_resolved) << rep.value("source", "");
        // The oops of a NOBITS .gnu.linkonce.this_module: the faulting line in the loader's kallsyms code.
        if (rep.value("source", "").find("default/mal-this-module-nobits-init") != std::string::npos) {
            const auto& ip = rep["frames"][0];
            EXPECT_EQ(ip.value("function", ""), "add_kallsyms");
            EXPECT_EQ(ip["locations"].back().value("file", ""), "kernel/module/kallsyms.c");
            EXPECT_GT(ip["locations"].back().value("line", 0), 0);
            kallsyms = true;
        }
        // Every 6.1 baseline report is the loader's: the malformed image reached a fault through it.
        EXPECT_EQ(rep["culprit"].value("kind", ""), "loader") << rep.value("source", "");
    }
    EXPECT_TRUE(kallsyms);
    EXPECT_GE(frames, 200u);
    EXPECT_EQ(resolved, frames) << "frames without a source line";
    EXPECT_NE(r->out.find("load_module+"), std::string::npos);
    EXPECT_NE(r->out.find(" kernel/module/main.c:"), std::string::npos);
    EXPECT_NE(r->out.find(" [inline]\n"), std::string::npos) << "inlined calls are listed";
}
