// Coverage maths (attribution, totals, tables, per-line counts), the fast counters, and the text/JSON/HTML renderings.
#include "harness/coverage/coverage_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/coverage/coverage_count.h"
#include "harness/coverage/coverage_html.h"
#include "harness/coverage/coverage_test_support.h"
#include "harness/host/test_files.h"

using namespace mh;
using namespace mh::coverage;

namespace {

const PcSet kReached = {0x100, 0x120, 0x999};  // 0x999: kernel code outside the loader

const CoverageRow* find_function(const CoverageReport& r, const std::string& name) {
    for (const auto& f : r.functions)
        if (f.function == name) return &f;
    return nullptr;
}

}  // namespace

TEST(Attribution, InnermostLoaderFrameElseOutermostElseSymbol) {
    auto s = coverage_testing::sample_sites();
    EXPECT_EQ(s.sites[0].attributed(), (SourceFrame{"elf_validity_ehdr", "kernel/module/main.c", 2}));
    EXPECT_EQ(s.sites[2].attributed(), (SourceFrame{"load_module", "kernel/module/main.c", 4}));  // not list.h
    EXPECT_EQ(s.sites[4].attributed(), (SourceFrame{"kobj_helper", "include/linux/kobject.h", 50}));
    EXPECT_EQ(s.sites[5].attributed(), (SourceFrame{"show_x.isra.0", "kernel/module/sysfs.c", 0}));
    EXPECT_EQ(s.mapped_total(), 6);
    EXPECT_EQ(s.tail_calls_total(), 4);
    EXPECT_EQ(s.constructor_calls_total(), 4);
    EXPECT_EQ(s.boot_only_total(), 1);
    EXPECT_EQ(object_source_file("tree_lookup.o"), "kernel/module/tree_lookup.c");
}

TEST(CoverageReport, TotalsAndTables) {
    auto s = coverage_testing::sample_sites();
    auto r = coverage_report(s, kReached);
    EXPECT_EQ(r.sites, 6);
    EXPECT_EQ(r.reached, 2);
    EXPECT_EQ(r.boot_only, 1);
    EXPECT_EQ(r.tail_calls, 4);
    EXPECT_EQ(r.constructor_calls, 4);
    EXPECT_EQ(r.pcs, 3u);
    EXPECT_EQ(r.pcs_elsewhere, 1u);
    EXPECT_NEAR(r.percent(), 100.0 * 2 / 6, 1e-9);

    ASSERT_EQ(r.files.size(), 4u);  // sorted by file
    EXPECT_EQ(r.files[0].file, "include/linux/kobject.h");
    EXPECT_EQ(r.files[1].file, "kernel/module/decompress.c");
    EXPECT_EQ(r.files[1].boot_only, 1);
    EXPECT_EQ(r.files[2].file, "kernel/module/main.c");
    EXPECT_EQ(r.files[2].sites, 3);
    EXPECT_EQ(r.files[2].reached, 2);
    EXPECT_EQ(r.files[3].file, "kernel/module/sysfs.c");

    ASSERT_EQ(r.functions.size(), 5u);
    const CoverageRow* ehdr = find_function(r, "elf_validity_ehdr");
    ASSERT_NE(ehdr, nullptr);
    EXPECT_EQ(ehdr->sites, 2);
    EXPECT_EQ(ehdr->reached, 1);
    EXPECT_EQ(ehdr->first_line, 2);
    EXPECT_DOUBLE_EQ(ehdr->percent(), 50.0);
    const CoverageRow* lm = find_function(r, "load_module");
    ASSERT_NE(lm, nullptr);
    EXPECT_EQ(lm->sites, 1);
    EXPECT_EQ(lm->reached, 1);
    // Most missed first; ties in (file, function) order; the fully covered one last.
    EXPECT_EQ(r.functions.front().function, "kobj_helper");
    EXPECT_EQ(r.functions.back().function, "load_module");
    for (std::size_t i = 1; i < r.functions.size(); ++i) EXPECT_GE(r.functions[i - 1].missed(), r.functions[i].missed());
    int sum = 0;
    for (const auto& f : r.functions) sum += f.sites;
    EXPECT_EQ(sum, r.sites);
}

TEST(CoverageReport, NothingReachedAndEmptyMap) {
    auto r = coverage_report(coverage_testing::sample_sites(), {});
    EXPECT_EQ(r.reached, 0);
    EXPECT_EQ(r.pcs_elsewhere, 0u);
    EXPECT_DOUBLE_EQ(r.percent(), 0.0);
    auto empty = coverage_report(LoaderSites{}, kReached);
    EXPECT_EQ(empty.sites, 0);
    EXPECT_DOUBLE_EQ(empty.percent(), 0.0);  // no division by zero
    EXPECT_EQ(empty.pcs_elsewhere, 3u);
}

TEST(LineCoverage, CountsPerAttributedLine) {
    auto lines = line_coverage(coverage_testing::sample_sites(), kReached);
    EXPECT_EQ(lines["kernel/module/main.c"][2].sites, 2);
    EXPECT_EQ(lines["kernel/module/main.c"][2].reached, 1);
    EXPECT_EQ(lines["kernel/module/main.c"][4].sites, 1);
    EXPECT_EQ(lines["kernel/module/main.c"][4].reached, 1);
    EXPECT_EQ(lines["kernel/module/decompress.c"][1].reached, 0);
    EXPECT_EQ(lines.count("kernel/module/sysfs.c"), 0u);  // line unknown: no line to colour
}

TEST(Counting, SetAndOneShotAgree) {
    auto s = coverage_testing::sample_sites();
    LoaderSiteSet set(s);
    EXPECT_EQ(set.size(), 6u);
    EXPECT_TRUE(set.contains(0x130));
    EXPECT_FALSE(set.contains(0x999));
    EXPECT_EQ(set.count_reached(kReached), 2u);
    EXPECT_EQ(count_reached_sites(s, kReached), 2u);
    PcSet big;
    for (std::uint64_t pc = 0; pc < 5000; ++pc) big.insert(pc);  // larger than the site set
    EXPECT_EQ(set.count_reached(big), 6u);

    PcSet reached;
    const std::uint64_t buffer[] = {0x100, 0x999, 0x100, 0x150, 0x100};
    EXPECT_EQ(set.add_reached(buffer, reached), 2u);
    EXPECT_EQ(set.add_reached(buffer, reached), 0u);  // nothing new the second time
    EXPECT_EQ(reached, (PcSet{0x100, 0x150}));
}

TEST(CoverageText, SummaryAndTables) {
    auto r = coverage_report(coverage_testing::sample_sites(), kReached);
    std::string t = coverage_text(r);
    EXPECT_NE(t.find("reached 2 of 6 loader sites (33.3%)"), std::string::npos) << t;
    EXPECT_NE(t.find("1 of the sites are __init code"), std::string::npos);
    EXPECT_NE(t.find("count_kcov_sites counts 14): 4 tail calls"), std::string::npos) << t;
    EXPECT_NE(t.find("kernel/module/main.c"), std::string::npos);
    EXPECT_NE(t.find("elf_validity_ehdr"), std::string::npos);
    EXPECT_NE(t.find("main.c:2"), std::string::npos);
    std::string top = coverage_text(r, 2);
    EXPECT_NE(top.find("3 more functions"), std::string::npos);
    EXPECT_EQ(top.find("load_module  "), std::string::npos);  // the fully covered one is cut
}

TEST(CoverageJson, SchemaTotalsAndEverySite) {
    auto s = coverage_testing::sample_sites();
    auto r = coverage_report(s, kReached);
    auto j = nlohmann::json::parse(coverage_json(r, s, kReached));
    EXPECT_EQ(j["schema"], "modharness.coverage/1");
    EXPECT_EQ(j["sites"], 6);
    EXPECT_EQ(j["reached"], 2);
    EXPECT_EQ(j["functions"].size(), 5u);
    ASSERT_EQ(j["site_list"].size(), 6u);
    EXPECT_EQ(j["site_list"][0]["pc"], "0x0000000000000100");
    EXPECT_EQ(j["site_list"][0]["reached"], true);
    EXPECT_EQ(j["site_list"][0]["function"], "elf_validity_ehdr");
    EXPECT_EQ(j["site_list"][3]["boot_only"], true);
    EXPECT_EQ(j["tail_calls"], 4);
    EXPECT_EQ(j["constructor_calls"], 4);
}

TEST(CoverageHtml, ColoursSourceLinesAndSurvivesMissingFiles) {
    mh::host::testing::TempDir dir("mh-cover-html");
    mh::host::testing::write_file(dir.path / "kernel/module/main.c", "int a;\nint ehdr(void) { <check> & }\nint b;\nint load(void);\n");
    mh::host::testing::write_file(dir.path / "kernel/module/decompress.c", "int __init init(void);\n");
    auto s = coverage_testing::sample_sites();
    s.build_tree = dir.path;
    auto r = coverage_report(s, kReached);
    std::string h = coverage_html(r, s, kReached);
    EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(h.find("<script"), std::string::npos);
    EXPECT_EQ(h.find("src=\"http"), std::string::npos);  // self-contained
    EXPECT_NE(h.find("<div id=\"src-kernel-module-main-c-2\" class=\"part\"><span class=\"no\">2</span><span class=\"cnt\">1/2</span>"
                     "int ehdr(void) { &lt;check&gt; &amp; }</div>"),
              std::string::npos);
    EXPECT_NE(h.find("<div id=\"src-kernel-module-main-c-4\" class=\"hit\">"), std::string::npos);
    EXPECT_NE(h.find("<div id=\"src-kernel-module-main-c-3\"><span"), std::string::npos);  // no site: plain
    EXPECT_NE(h.find("<div id=\"src-kernel-module-decompress-c-1\" class=\"miss\">"), std::string::npos);
    EXPECT_NE(h.find("href=\"#src-kernel-module-main-c-2\">elf_validity_ehdr</a>"), std::string::npos);
    EXPECT_NE(h.find("source not shown"), std::string::npos);  // sysfs.c is not in the tree
    EXPECT_EQ(h.find("<h2 id=\"src-include"), std::string::npos);  // headers outside the loader are not listed as sources
}
