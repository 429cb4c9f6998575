// The site map of a real fuzzing kernel (skipped unless `modharness kernel build-fuzz` has run): it must match count_kcov_sites.
#include "harness/coverage/coverage_map.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "harness/coverage/coverage_count.h"
#include "harness/coverage/coverage_report.h"
#include "harness/kernels/fuzz_kernel.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/host/test_files.h"
#include "harness/common/test_skip.h"

using namespace mh;
using namespace mh::coverage;

namespace {

// Every cached fuzzing-kernel variant of every line with a vmlinux, once each.
std::set<std::filesystem::path> fuzz_trees() {
    std::set<std::filesystem::path> trees;
    for (const auto& line : kernels::fuzz_lines()) {
        const kernels::FuzzSource source{line};
        for (const auto& name : {source.name(), source.variant_name(false), source.variant_name(true)}) {
            auto k = kernels::find_cached_kernel(name);
            if (k && !k->build_tree.empty() && std::filesystem::exists(k->build_tree / "vmlinux")) trees.insert(k->build_tree);
        }
    }
    return trees;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST(LoaderSitesReal, EverySiteOfTheLoaderMatchesTheCeiling) {
    auto trees = fuzz_trees();
    if (trees.empty()) MH_SKIP_WITHOUT_FUZZ_KERNEL("no fuzz kernel with a build tree in the cache (modharness kernel build-fuzz)");
    for (const auto& tree : trees) {
        SCOPED_TRACE(tree.string());
        host::testing::TempDir dir("mh-sites-real");  // keep the test from writing into the kernel cache
        coverage::LoadSitesOptions o;
        o.cache_file = dir.path / "sites.tsv";
        o.use_cache = false;
        auto t0 = std::chrono::steady_clock::now();
        auto built = coverage::load_loader_sites(tree, o);
        double built_s = seconds_since(t0);
        ASSERT_TRUE(built.ok()) << built.error().message;
        EXPECT_FALSE(built->from_cache);
        o.use_cache = true;
        t0 = std::chrono::steady_clock::now();
        auto cached = coverage::load_loader_sites(tree, o);
        double cached_s = seconds_since(t0);
        ASSERT_TRUE(cached.ok()) << cached.error().message;
        EXPECT_TRUE(cached->from_cache);
        ASSERT_EQ(cached->sites.size(), built->sites.size());
        for (std::size_t i = 0; i < built->sites.size(); ++i) {
            EXPECT_EQ(cached->sites[i].pc, built->sites[i].pc);
            EXPECT_EQ(cached->sites[i].frames, built->sites[i].frames);
        }

        // The ceiling: mapped + KASAN-constructor calls == count_kcov_sites, object by object.
        auto counts = kernels::count_kcov_sites(tree);
        ASSERT_TRUE(counts.ok()) << counts.error().message;
        int sum = 0;
        for (const auto& [obj, n] : *counts) {
            int mapped = built->mapped_per_object.count(obj) ? built->mapped_per_object.at(obj) : 0;
            int tail = built->tail_calls_per_object.count(obj) ? built->tail_calls_per_object.at(obj) : 0;
            int ctor = built->constructor_calls_per_object.count(obj) ? built->constructor_calls_per_object.at(obj) : 0;
            EXPECT_EQ(mapped + tail + ctor, n) << obj;
            EXPECT_LE(ctor, 2) << obj << ": one KASAN ctor and one dtor per object";
            EXPECT_LT(tail, n / 10 + 1) << obj << ": tail calls are the exception";
            sum += n;
        }
        EXPECT_EQ(built->mapped_total() + built->tail_calls_total() + built->constructor_calls_total(), sum);
        EXPECT_GT(built->mapped_per_object.at("main.o"), 500);

        // Sites are return addresses right after a 5-byte call, in kernel text, unique.
        std::uint64_t prev = 0;
        for (const auto& s : built->sites) {
            EXPECT_EQ(s.pc - s.call, 5u) << std::hex << s.pc;
            EXPECT_GE(s.pc, 0xffffffff81000000ull);
            EXPECT_GT(s.pc, prev);
            prev = s.pc;
            ASSERT_FALSE(s.frames.empty());
        }

        // The loader's functions are there, attributed to kernel/module/main.c, with sites. The ELF
        // checks moved: 6.1 has one elf_validity_check, 6.12 split it up and added idempotent loads.
        auto report = coverage::coverage_report(*built, {});
        const bool old_line = tree.filename() == "linux-source-6.1";
        const std::vector<const char*> functions =
            old_line ? std::vector<const char*>{"load_module", "elf_validity_check", "simplify_symbols", "__do_sys_finit_module"}
                     : std::vector<const char*>{"load_module", "elf_validity_cache_copy", "elf_validity_ehdr", "idempotent_init_module"};
        for (const char* fn : functions) {
            bool found = false;
            for (const auto& row : report.functions)
                if (row.function == fn && row.file == "kernel/module/main.c") {
                    found = true;
                    EXPECT_GT(row.sites, 0) << fn;
                    EXPECT_GT(row.first_line, 0) << fn;
                }
            EXPECT_TRUE(found) << fn << " has no sites in the map";
        }
        EXPECT_GT(report.boot_only, 0);  // module_decompress_sysfs_init and friends

        // A campaign's curve: ~40,000 PCs per successful load (DESIGN.md), a third of the sites.
        coverage::PcSet pcs;
        for (std::size_t i = 0; i < built->sites.size(); i += 3) pcs.insert(built->sites[i].pc);
        const std::size_t expect = pcs.size();
        for (std::uint64_t x = 0; pcs.size() < 40000; ++x) pcs.insert(0xffffffff82000000ull + 4 * x);
        coverage::LoaderSiteSet set(*built);
        t0 = std::chrono::steady_clock::now();
        std::size_t total = 0;
        for (int i = 0; i < 100; ++i) total += set.count_reached(pcs);
        double count_us = seconds_since(t0) * 1e6 / 100;
        EXPECT_EQ(total, 100 * expect);
        EXPECT_EQ(coverage::count_reached_sites(*built, pcs), expect);
        std::printf(
            "[ metrics  ] %s: %d loader sites + %d tail calls + %d KASAN ctor calls = count_kcov_sites %d; %d functions; "
            "built %.2f s, cached %.3f s, count_reached over 40k PCs %.1f us\n",
            tree.string().c_str(), built->mapped_total(), built->tail_calls_total(), built->constructor_calls_total(), sum,
            static_cast<int>(report.functions.size()), built_s, cached_s, count_us);
        for (const auto& [obj, n] : *counts)
            std::printf("[ metrics  ]   %-16s count_kcov_sites %4d  mapped %4d  tail %2d  ctor %d\n", obj.c_str(), n,
                        built->mapped_per_object.count(obj) ? built->mapped_per_object.at(obj) : 0,
                        built->tail_calls_per_object.count(obj) ? built->tail_calls_per_object.at(obj) : 0,
                        built->constructor_calls_per_object.count(obj) ? built->constructor_calls_per_object.at(obj) : 0);
    }
}
