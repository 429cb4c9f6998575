// The fuzzing kernel (modharness kernel build-fuzz) end to end: loads, an early rejection and a KASAN kernel
// report on fuzz-6.1 and fuzz-6.12, with an instrumented loader. Each line skips when its kernel is not built
// (CI never builds them).
#include <gtest/gtest.h>

#include <string>

#include "harness/kernels/fuzz_kernel.h"
#include "harness/common/files.h"
#include "harness/kernels/kernel_cache.h"
#include "tests/vm/vm_test_support.h"
#include "harness/common/test_skip.h"

using namespace mh;

namespace {

class FuzzKernelVm : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(FuzzKernelVm, LoaderIsInstrumentedAndCasesRun) {
    const std::string name = kernels::FuzzSource{GetParam()}.name();
    auto k = kernels::find_cached_kernel(name);
    if (!k)
        MH_SKIP_WITHOUT_FUZZ_KERNEL(name << " not built (run: modharness kernel build-fuzz --source " << GetParam()
                                         << "): " << k.error().message);

    // What the fuzzer relies on, from the kernel's own .config as recorded in the cache.
    for (const char* key : {"CONFIG_MODULES", "CONFIG_MODULE_UNLOAD", "CONFIG_KCOV", "CONFIG_KASAN", "CONFIG_MODULE_DECOMPRESS",
                            "CONFIG_MODULE_COMPRESS_XZ"}) {
        ASSERT_TRUE(k->config.count(key)) << key;
        EXPECT_EQ(k->config.at(key), "y") << key;
    }
    EXPECT_EQ(k->config.at("CONFIG_MODVERSIONS"), "n");
    ASSERT_FALSE(k->build_tree.empty());
    EXPECT_TRUE(k->modules_dir.empty());

    // The loader itself carries KCOV call sites: the Makefile exclusion is gone.
    auto sites = kernels::count_kcov_sites(k->build_tree);
    ASSERT_TRUE(sites.ok()) << sites.error().message;
    int total = 0;
    for (const auto& [obj, n] : *sites) total += n;
    EXPECT_GT(sites->at("main.o"), 500) << "kernel/module/main.o is not instrumented";
    EXPECT_GT(sites->at("decompress.o"), 0);
    std::printf("[ metrics  ] %s KCOV sites in kernel/module: %d (main.o %d)\n", k->release.c_str(), total, sites->at("main.o"));

    auto run = vmtest::run_cases(name, R"(
id=ok-init        call=init  image=seed:ok                expect=0
id=ok-finit       call=finit image=seed:ok                expect=0
id=truncated      call=init  image=seed:ok len=100        expect=ENOEXEC
id=kasan          call=init  image=seed:kasan timeout_ms=10000
id=after-kasan    call=init  image=seed:ok                expect=0
id=oops           call=finit image=seed:oops timeout_ms=10000
)",
                                 "fuzzkernel");
    ASSERT_TRUE(run.ok()) << run.error().message;
    const auto& by = run->by_id;
    ASSERT_EQ(by.size(), 6u) << "every case has exactly one outcome";
    for (const char* id : {"ok-init", "ok-finit", "truncated", "after-kasan"}) {
        const auto& rec = by.at(id);
        EXPECT_EQ(rec.outcome.judgement.verdict, verdict::Verdict::Pass) << id << ": " << rec.outcome.judgement.reason;
    }
    ASSERT_TRUE(by.at("ok-finit").outcome.guest.has_value());
    EXPECT_EQ(by.at("ok-finit").outcome.guest->get("unload"), "0");

    // KASAN fault: a slab out-of-bounds write in init is reported (taint B), titled, the VM is
    // replaced, and the next case runs normally in the fresh VM (after-kasan above).
    const auto& kasan = by.at("kasan").outcome;
    EXPECT_EQ(kasan.judgement.verdict, verdict::Verdict::Kernel) << kasan.judgement.reason;
    EXPECT_NE(kasan.judgement.title.find("KASAN: slab-out-of-bounds"), std::string::npos) << kasan.judgement.title;
    EXPECT_NE(kasan.judgement.title.find("mh_kasan_init"), std::string::npos) << kasan.judgement.title;

    // A NULL write under KASAN inline: a KASAN null-ptr-deref report / general protection fault,
    // or a plain oops; PANIC_ON_OOPS ends the VM either way.
    const auto& oops = by.at("oops").outcome;
    EXPECT_EQ(oops.judgement.verdict, verdict::Verdict::Kernel);
    const std::string& title = oops.judgement.title;
    EXPECT_TRUE(title.find("KASAN") != std::string::npos || title.find("Oops") != std::string::npos ||
                title.find("general protection") != std::string::npos || title.find("BUG") != std::string::npos)
        << title;
    EXPECT_NE(oops.console_excerpt.find("mh_oops"), std::string::npos);

    // The console (warnings and up) of the VM: KASAN is live (the report says so, "[#1] SMP
    // KASAN"), and nothing complained before the oops case.
    // The report's first line carries "[#1]" on both lines: 6.12 prints "Oops: general protection
    // fault ... [#1] SMP KASAN", 6.1 the same without "Oops: ".
    const std::string console = read_text_file(oops.console_log).value_or("");
    const std::size_t marker = console.find("[#1]");
    ASSERT_NE(marker, std::string::npos) << console;
    const std::size_t line_start = console.rfind('\n', marker);
    const std::size_t report = line_start == std::string::npos ? 0 : line_start + 1;
    EXPECT_NE(console.find("KASAN", report), std::string::npos);
    const std::string before = console.substr(0, report);
    for (const char* bad : {"BUG:", "WARNING:", "Call Trace", "KASAN"})
        EXPECT_EQ(before.find(bad), std::string::npos) << bad << " in:\n" << before;

    EXPECT_TRUE(run->session.stats.completed);
    std::printf("[ metrics  ] %s boot-to-first-result %.2f s, wall %.1f s, VMs %d, oops title: %s\n", k->release.c_str(),
                run->session.stats.first_result_seconds, run->session.stats.wall_seconds, run->session.stats.vms, title.c_str());
}

INSTANTIATE_TEST_SUITE_P(Lines, FuzzKernelVm, ::testing::ValuesIn(kernels::fuzz_lines()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                             std::string n = "fuzz_" + p.param;
                             for (char& c : n)
                                 if (c == '.') c = '_';
                             return n;
                         });
