// HTML report: self-contained, header totals, class x call matrix cells, man page table, evidence, escaping.
#include "conformance/report/html_report.h"

#include <gtest/gtest.h>

#include "conformance/report/run_diff.h"
#include "conformance/report/test_support.h"

namespace mh::conformance {
namespace {

bool has(const std::string& h, const std::string& needle) { return h.find(needle) != std::string::npos; }

TEST(HtmlReport, SelfContained) {
    std::string h = html_report(testing::run_a());
    EXPECT_EQ(h.rfind("<!DOCTYPE html>\n", 0), 0u);
    EXPECT_TRUE(has(h, "<style>"));
    for (const char* external : {"<script", "<link", "src=", "http://", "https://", "@import", "url("})
        EXPECT_FALSE(has(h, external)) << external;
}

TEST(HtmlReport, HeaderAndTotals) {
    std::string h = html_report(testing::run_a());
    EXPECT_TRUE(has(h, "<title>modharness conformance — debian-6.1-cloud (6.1.0-56-cloud-amd64)</title>"));
    EXPECT_TRUE(has(h, "<tr><th>accelerator</th><td>tcg — KVM guest gave no answer within 10 s: TCG</td></tr>"));
    EXPECT_TRUE(has(h, "<tr><th>wall time</th><td>41.7 s</td></tr>"));
    EXPECT_TRUE(has(h,
                    "<span class=\"badge v-pass\">PASS 10</span><span class=\"badge v-fail\">FAIL 1</span>"
                    "<span class=\"badge v-conf\">CONF 1</span><span class=\"badge v-brok\">BROK 1</span>"
                    "<span class=\"badge v-kernel\">KERNEL 1</span></p>"));
    EXPECT_FALSE(has(h, "badge v-ran"));  // RAN only appears when a run has it
    EXPECT_TRUE(has(h, "<tr><td>sigenforce</td><td>module.sig_enforce=1</td><td class=\"n\">1</td>"));
}

TEST(HtmlReport, MatrixCells) {
    std::string h = html_report(testing::run_a());
    EXPECT_TRUE(has(h, "<tr><th>class</th><th>title</th><th>cases</th><th>init</th><th>finit</th></tr>"));
    EXPECT_TRUE(has(h,
                    "<tr><td>F12</td><td>sysfs attribute file</td><td class=\"n\">1</td><td class=\"v-none\">—</td>"
                    "<td class=\"v-fail\">1 FAIL</td></tr>"));
    EXPECT_TRUE(has(h,
                    "<tr><td>E1</td><td>bad magic / e_type / e_machine</td><td class=\"n\">2</td>"
                    "<td class=\"v-pass\">1 PASS</td><td class=\"v-pass\">1 PASS</td></tr>"));
    EXPECT_TRUE(has(h, "<td class=\"v-kernel\">1 KERNEL</td>"));
    EXPECT_TRUE(has(h, "<td>F1</td><td>fd -1, closed fd, fd &gt;= RLIMIT</td>"));
    EXPECT_FALSE(has(h, "<tr><td>F13</td>"));
    EXPECT_TRUE(has(h, "<p class=\"muted\">Classes without cases in this run (1): F13</p>"));
    // A cell holding PASS and FAIL is coloured by the worse one.
    auto run = testing::run_a();
    run["cases"][4]["verdict"] = "FAIL";  // e1-bad-magic-finit
    run["cases"].push_back(run["cases"][4]);
    run["cases"].back()["verdict"] = "PASS";
    EXPECT_TRUE(has(html_report(run), "<td class=\"v-fail\">1 PASS, 1 FAIL</td>"));
}

TEST(HtmlReport, ManPageVersusCode) {
    std::string h = html_report(testing::run_a());
    auto section = h.substr(h.find("<h2>Man page vs code</h2>"));
    section = section.substr(0, section.find("<h2>", 5));
    EXPECT_TRUE(has(section,
                    "<tr><td>S1</td><td>signature marker alone</td><td class=\"n\">1</td><td class=\"n\">0</td>"
                    "<td>EBADMSG</td><td>ENOEXEC</td><td>init_module(2): EBADMSG module signature is misformatted"
                    "</td><td>default/s1-marker-only-finit</td></tr>"));
    EXPECT_TRUE(has(section, "<tr><td>F14</td>"));
    EXPECT_TRUE(has(section, "<tr><td>F12</td><td>sysfs attribute file</td><td class=\"n\">0</td><td class=\"n\">1</td>"));
    EXPECT_FALSE(has(section, "<tr><td>F1</td>"));  // followed both: not a deviation
    auto deviations = section.substr(0, section.find("<h3>Undocumented</h3>"));
    EXPECT_FALSE(has(deviations, "<tr><td>G3</td>"));  // page silent: not a deviation, listed as undocumented
    auto undocumented = section.substr(section.find("<h3>Undocumented</h3>"));
    EXPECT_TRUE(has(undocumented, "Inputs the man page (manpages-6.03) says nothing about"));
    EXPECT_TRUE(has(undocumented,
                    "<tr><td>G3</td><td>COMPRESSED_FILE on plain data</td><td class=\"n\">1</td><td>finit</td><td>EOPNOTSUPP</td>"
                    "<td>default/g3-plain-compressed</td></tr>"));
}

TEST(HtmlReport, ManPageUncoveredClassesAndRuleEvidence) {
    std::string h = html_report(testing::run_a());
    EXPECT_TRUE(has(h, "<tr><th>man page</th><td>manpages-6.03 — shipped by debian-12"));
    EXPECT_TRUE(has(h, "<h2>Classes not covered (2)</h2>"));
    EXPECT_TRUE(has(h,
                    "<tr><td>R7</td><td>3.8</td><td>relocation r_offset or symbol index out of range</td>"
                    "<td>no errno contract: &lt;out-of-bounds write&gt; &amp; an oops</td></tr>"));
    EXPECT_TRUE(has(html_report(testing::run_b()), "<tr><th>man page</th><td>not named"));
    EXPECT_FALSE(has(h, "<section id=\"evidence\">"));
    nlohmann::json ev = {
        {"schema", "modharness.evidence/1"},
        {"runs",
         {{{"source", "b/6.1/conformance.json"}, {"kernel", "debian-6.1-cloud"}, {"version", "6.1.192"}, {"cases", 3}, {"matched", 3}}}},
        {"summary", {{"observed", 1}, {"source-only", 1}}},
        {"rules",
         {{{"rule", "K4"},
           {"line", 280},
           {"kernels", "-6.3.999"},
           {"condition", "!sig_enforce"},
           {"expect", {"ENOEXEC"}},
           {"status", "observed"},
           {"observed", {{{"version", "6.1.192"}, {"cases", 2}, {"consistent", 2}, {"results", {"ENOEXEC"}}}}}},
          {{"rule", "K7"},
           {"line", 290},
           {"kernels", "*"},
           {"condition", "-"},
           {"expect", {"EBUSY"}},
           {"status", "source-only"},
           {"observed", nlohmann::json::array()}}}}};
    std::string with = html_report(testing::run_a(), nullptr, &ev);
    EXPECT_TRUE(has(with, "<section id=\"evidence\">"));
    EXPECT_TRUE(has(with, "<p>Rules: 1 observed, 1 source-only.</p>"));
    EXPECT_TRUE(has(with,
                    "<tr><td>K4</td><td class=\"n\">280</td><td>-6.3.999</td><td>!sig_enforce</td><td>ENOEXEC</td>"
                    "<td class=\"v-pass\">observed</td><td>6.1.192 (2/2)</td><td>-</td><td>6.1.192: ENOEXEC</td></tr>"));
    EXPECT_TRUE(has(with, "<td class=\"v-conf\">source only</td><td>-</td><td>-</td><td>-</td></tr>"));
    EXPECT_EQ(testing::xml_problem(with), "");
}

TEST(HtmlReport, EvidenceForFailingCases) {
    std::string h = html_report(testing::run_a());
    EXPECT_TRUE(has(h, "<h2>Failing cases (3)</h2>"));
    auto kernel = h.find("<h3 class=\"v-kernel\">KERNEL default/e12-nobits-huge-init (E12, init)</h3>");
    auto brok = h.find("<h3 class=\"v-brok\">BROK default/p1-nocap-init (P1, init)</h3>");
    auto fail = h.find("<h3 class=\"v-fail\">FAIL default/f12-sysfs-finit (F12, finit)</h3>");
    ASSERT_NE(kernel, std::string::npos);
    ASSERT_NE(brok, std::string::npos);
    ASSERT_NE(fail, std::string::npos);
    EXPECT_LT(kernel, brok);
    EXPECT_LT(brok, fail);
    EXPECT_TRUE(has(h,
                    "<pre>[    1.234] BUG: unable to handle page fault\n[    1.235] RIP: 0010:layout_symtab+0x2a/0x1c0 "
                    "&lt;script&gt;&amp;\\x01\\x1B[0m</pre>"));
    EXPECT_TRUE(has(h, "<pre>BUG: unable to handle page fault for address: ffffc90000c00000\nOops: 0000 [#1] SMP NOPTI\n</pre>"));
    EXPECT_TRUE(has(h, "<tr><th>got vs expected</th><td>got EINVAL, expected EIO</td></tr>"));
    EXPECT_TRUE(has(h, "<tr><th>reason</th><td>errno EINVAL not in {EIO} &lt;sysfs &amp; &quot;attr&quot;&gt;</td></tr>"));
    EXPECT_TRUE(has(h, "<tr><th>man page</th><td>EIO</td></tr>"));
    EXPECT_TRUE(has(h, "<tr><th>inputs</th><td>call=finit fd=sysfs flags=0 image=seed:sentinel</td></tr>"));
    EXPECT_TRUE(has(h, "<li>default/g5-xz-garbage: CONFIG_MODULE_DECOMPRESS=n: the kernel cannot decompress</li>"));
    EXPECT_FALSE(has(h, "<script>"));
}

TEST(HtmlReport, WellFormedWithDiffSection) {
    auto a = testing::run_a();
    auto d = diff_runs(a, testing::run_b());
    std::string h = html_report(a, &d);
    EXPECT_TRUE(has(h, "<section id=\"diff\">"));
    EXPECT_TRUE(has(h, "5 changed, 1 only in A, 1 only in B"));
    EXPECT_FALSE(has(html_report(a), "<section id=\"diff\">"));
    EXPECT_EQ(testing::xml_problem(h), "");
    MH_EXPECT_XMLLINT_OK(h, "report_a.html");  // the page is also well-formed XML
}

// A PASS with kernel log notices gets its evidence shown, and the notices column in the table.
TEST(HtmlReport, PassWithNoticesShowsItsEvidence) {
    std::string h = html_report(testing::run_a_with_notes());
    EXPECT_TRUE(has(h, "<h2>Passing cases with kernel log notices (1)</h2>"));
    EXPECT_TRUE(has(h, "<h3 class=\"v-pass\">PASS default/e1-bad-magic-init (E1, init)</h3>"));
    EXPECT_TRUE(has(h, "<tr><th>log notices</th><td>sysfs-duplicate, stack-dump</td></tr>"));
    EXPECT_TRUE(has(h, "sysfs: cannot create duplicate filename &#39;/module/mh_sentinel") ||
                has(h, "sysfs: cannot create duplicate filename '/module/mh_sentinel"));
    EXPECT_TRUE(has(h, "<th>log class</th><th>log notices</th><th>taint +</th>"));
    EXPECT_TRUE(has(h, "<td>sysfs-duplicate</td><td>sysfs-duplicate, stack-dump</td>"));
    EXPECT_FALSE(has(html_report(testing::run_a()), "Passing cases with kernel log notices"));
}

}  // namespace
}  // namespace mh::conformance
