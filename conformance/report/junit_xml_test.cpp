// JUnit XML: counts, suites per group, classnames, failure/error/skipped bodies, escaping, well-formedness.
#include "conformance/report/junit_xml.h"

#include <gtest/gtest.h>

#include "conformance/report/test_support.h"

namespace mh::conformance {
namespace {

using namespace std::string_literals;

TEST(JunitXml, CountsAndSuites) {
    std::string x = junit_xml(testing::run_a());
    EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
    EXPECT_NE(x.find("<testsuites name=\"modharness conformance debian-6.1-cloud\" tests=\"14\" failures=\"1\" "
                     "errors=\"2\" skipped=\"1\" time=\"41.700000\">"),
              std::string::npos);
    EXPECT_NE(x.find("<testsuite name=\"debian-6.1-cloud/default\" tests=\"13\" failures=\"1\" errors=\"2\" "
                     "skipped=\"1\" time=\"30.200000\" timestamp=\"2026-11-29T04:10:00\">"),
              std::string::npos);
    EXPECT_NE(x.find("<testsuite name=\"debian-6.1-cloud/sigenforce\" tests=\"1\" failures=\"0\" errors=\"0\" "
                     "skipped=\"0\""),
              std::string::npos);
    EXPECT_NE(x.find("<property name=\"cmdline\" value=\"module.sig_enforce=1\"/>"), std::string::npos);
    // The man page and how often each outcome came out, per suite (the default group's 13 cases).
    EXPECT_NE(x.find("<property name=\"man_page\" value=\"manpages-6.03\"/>\n"
                     "      <property name=\"man_page.followed.man\" value=\"0\"/>\n"
                     "      <property name=\"man_page.followed.code\" value=\"2\"/>\n"
                     "      <property name=\"man_page.followed.both\" value=\"6\"/>\n"
                     "      <property name=\"man_page.followed.neither\" value=\"1\"/>\n"
                     "      <property name=\"man_page.followed.undocumented\" value=\"1\"/>\n"),
              std::string::npos)
        << x.substr(0, 1500);
    EXPECT_EQ(junit_xml(testing::run_b()).find("man_page"), std::string::npos);  // runs before pages were named
}

TEST(JunitXml, TestcasesByVerdict) {
    std::string x = junit_xml(testing::run_a());
    EXPECT_NE(x.find("<testcase name=\"f1-closed-finit\" classname=\"modharness.debian-6_1-cloud.F1\" "
                     "time=\"0.000041\"/>"),
              std::string::npos);
    EXPECT_NE(x.find("<testcase name=\"f12-sysfs-finit\" classname=\"modharness.debian-6_1-cloud.F12\" time=\"0.000041\">\n"
                     "      <failure type=\"FAIL\" message=\"got EINVAL, expected EIO\">case: default/f12-sysfs-finit"),
              std::string::npos);
    EXPECT_NE(x.find("reason: errno EINVAL not in {EIO} &lt;sysfs &amp; &quot;attr&quot;&gt;\n"), std::string::npos);
    EXPECT_NE(x.find("<skipped message=\"CONFIG_MODULE_DECOMPRESS=n: the kernel cannot decompress\"/>"), std::string::npos);
    EXPECT_NE(x.find("<error type=\"KERNEL\" message=\"BUG: unable to handle page fault for address: ffffc90000c00000\">"),
              std::string::npos);
    EXPECT_NE(x.find("<error type=\"BROK\" message=\"setup: capset failed: EPERM\">"), std::string::npos);
    // The console excerpt is in the KERNEL error body, escaped, its control bytes visible.
    EXPECT_NE(x.find("RIP: 0010:layout_symtab+0x2a/0x1c0 &lt;script&gt;&amp;\\x01\\x1B[0m"), std::string::npos);
    EXPECT_NE(x.find("kmsg:\n  BUG: unable to handle page fault"), std::string::npos);
}

// A PASS with kernel log notices is still a pass for CI, with the notices in its system-out.
TEST(JunitXml, PassWithNoticesCarriesThemInSystemOut) {
    std::string x = junit_xml(testing::run_a_with_notes());
    EXPECT_NE(x.find("<testcase name=\"e1-bad-magic-init\" classname=\"modharness.debian-6_1-cloud.E1\" time=\"0.000041\">\n"
                     "      <system-out>passed with kernel log notices: sysfs-duplicate, stack-dump\ncase: default/e1-bad-magic-init"),
              std::string::npos)
        << x;
    EXPECT_NE(x.find("log notices: sysfs-duplicate, stack-dump\n"), std::string::npos);
    EXPECT_NE(x.find("kmsg:\n  sysfs: cannot create duplicate filename"), std::string::npos);
    EXPECT_NE(x.find("<testcase name=\"f1-closed-finit\" classname=\"modharness.debian-6_1-cloud.F1\" time=\"0.000041\"/>"),
              std::string::npos)
        << "an empty list of notices is no notice";
    EXPECT_NE(x.find("failures=\"1\" errors=\"2\" skipped=\"1\""), std::string::npos) << "the counts do not change";
    EXPECT_EQ(testing::xml_problem(x), "");
}

TEST(JunitXml, HostileStringsStayWellFormed) {
    auto run = testing::run_a();
    std::string nasty = "]]></testcase><x a=\"1\">&amp;\0\x01\x1f\x7f\xff\xc3\x28\xed\xa0\x80 '\"\t\r\n\xef\xbf\xbf"s;
    for (auto& c : run["cases"]) {
        c["id"] = c["id"].get<std::string>() + nasty;  // invalid UTF-8 only reachable through a built json
        c["reason"] = nasty;
        c["title"] = nasty;
        c["console_excerpt"] = nasty;
        c["class"] = nasty;
    }
    run["kernel"]["name"] = "k.\x01<>"s;
    run["groups"][0]["name"] = nasty;
    std::string x = junit_xml(run);
    EXPECT_EQ(testing::xml_problem(x), "");
    EXPECT_EQ(x.find("<x a="), std::string::npos);
    EXPECT_NE(x.find("classname=\"modharness.k_\\x01&lt;&gt;.]]&gt;&lt;/testcase&gt;"), std::string::npos);
    EXPECT_NE(x.find("message=\"]]&gt;&lt;/testcase&gt;&lt;x a=&quot;1&quot;&gt;&amp;amp;\\x00\\x01\\x1F\\x7F\\xFF\\xC3("
                     "\\xED\\xA0\\x80 &#39;&quot;&#9;&#13;&#10;\\xEF\\xBF\\xBF\""),
              std::string::npos);
    MH_EXPECT_XMLLINT_OK(x, "junit_hostile.xml");
}

TEST(JunitXml, FixturesPassXmllint) {
    std::string xa = junit_xml(testing::run_a()), xb = junit_xml(testing::run_b());
    EXPECT_EQ(testing::xml_problem(xa), "");
    EXPECT_EQ(testing::xml_problem(xb), "");
    MH_EXPECT_XMLLINT_OK(xa, "junit_a.xml");
    MH_EXPECT_XMLLINT_OK(xb, "junit_b.xml");
}

TEST(JunitXml, EmptyRun) {
    std::string x = junit_xml(nlohmann::json{{"schema", "modharness.conformance/1"}, {"cases", nlohmann::json::array()}});
    EXPECT_NE(x.find("<testsuites name=\"modharness conformance unknown\" tests=\"0\""), std::string::npos);
    EXPECT_EQ(testing::xml_problem(x), "");
}

}  // namespace
}  // namespace mh::conformance
