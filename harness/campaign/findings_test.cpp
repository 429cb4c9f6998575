#include "harness/campaign/findings.h"
#include "harness/campaign/findings_html.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mh::campaign {
namespace {

CrashTriage crash(std::string group, std::string title, std::string kind, std::string culprit, int reproduced, size_t differences) {
    CrashTriage c;
    c.group = std::move(group);
    c.title = std::move(title);
    c.culprit_kind = std::move(kind);
    c.culprit = std::move(culprit);
    c.triage.runs = 1;
    c.triage.reproduced_runs = reproduced;
    if (differences > 0) {
        c.triage.seed = "consumer";
        c.triage.differences_before = 10;
        for (size_t i = 0; i < differences; ++i) c.triage.differences.push_back("symbol 11 st_name: " + std::to_string(i));
        mutate::FuzzInput in;
        in.image = {1, 2, 3};
        c.triage.minimised_input = mutate::encode(in);
    }
    return c;
}

// Two titles with one culprit line are one finding; one title with two culprit lines is two;
// module-code faults and crashes without a report stay apart; loader findings come first.
TEST(Findings, DedupeByCulpritNotTitle) {
    Findings f;
    f.kernel = "debian-6.1-cloud";
    f.crashes.push_back(
        crash("a", "BUG: unable to handle page fault in strcmp", "loader", "resolve_symbol kernel/module/main.c:1200", 1, 3));
    f.crashes.push_back(
        crash("b", "BUG: unable to handle page fault in strlen", "loader", "resolve_symbol kernel/module/main.c:1200", 1, 2));
    f.crashes.push_back(
        crash("c", "BUG: unable to handle page fault in strcmp", "loader", "add_kallsyms kernel/module/kallsyms.c:180", 0, 0));
    f.crashes.push_back(
        crash("d", "BUG: unable to handle page fault in mh_consumer_init", "module-code", "mh_consumer_init [mh_consumer]", 1, 1));
    f.crashes.push_back(crash("e", "WARNING in foo", "unsymbolized", "", 0, 0));
    f.crashes.back().has_input = false;
    group_findings(f, {"loader add_kallsyms kernel/module/kallsyms.c:180"});
    ASSERT_EQ(f.findings.size(), 4u);
    EXPECT_EQ(f.findings[0].id, "loader resolve_symbol kernel/module/main.c:1200");
    EXPECT_EQ(f.findings[0].crashes.size(), 2u);
    EXPECT_EQ(f.crashes[f.findings[0].representative].group, "b") << "reproduces with the fewest differences";
    EXPECT_TRUE(f.findings[0].is_new);
    EXPECT_EQ(f.findings[1].id, "loader add_kallsyms kernel/module/kallsyms.c:180");
    EXPECT_FALSE(f.findings[1].is_new) << "in the known findings";
    EXPECT_EQ(f.findings[2].kind, "module-code");
    EXPECT_EQ(f.findings[3].id, "unsymbolized WARNING in foo");
    EXPECT_EQ(f.new_loader_bugs(), 1u);
}

// findings.json: the schema, counts per class, every crash with its status (not-reproducing and
// input-less ones included), and it reads back as known ids.
TEST(Findings, JsonSchemaAndKnownIds) {
    Findings f;
    f.crashes.push_back(crash("a", "t1", "loader", "resolve_symbol kernel/module/main.c:1200", 1, 2));
    f.crashes.push_back(crash("b", "t2", "loader", "add_kallsyms kernel/module/kallsyms.c:180", 0, 0));
    f.crashes.push_back(crash("c", "t3", "module-code", "mh_consumer_init [mh_consumer]", 1, 0));
    f.crashes.back().has_input = false;
    f.crashes.push_back(crash("d", "t4", "unsymbolized", "", 0, 0));
    f.crashes.back().error = "the replay VM did not boot";
    group_findings(f, {});
    const auto j = nlohmann::json::parse(findings_json(f));
    EXPECT_EQ(j["schema"], "modharness.findings/1");
    EXPECT_EQ(j["counts"]["loader"], 2);
    EXPECT_EQ(j["counts"]["module-code"], 1);
    ASSERT_EQ(j["crashes"].size(), 4u);
    EXPECT_EQ(j["crashes"][0]["status"], "reproduces");
    EXPECT_EQ(j["crashes"][1]["status"], "did-not-reproduce");
    EXPECT_EQ(j["crashes"][2]["status"], "no-input");
    EXPECT_EQ(j["crashes"][3]["status"], "error");
    EXPECT_EQ(j["crashes"][3]["error"], "the replay VM did not boot");
    EXPECT_EQ(j["findings"][0]["representative"]["differences"].size(), 2u);
    EXPECT_EQ(j["findings"][0]["representative"]["call"], "init_module flags=0 params=\"\"");
    auto ids = known_finding_ids(findings_json(f));
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(ids->size(), 4u);
    EXPECT_TRUE(ids->count("loader resolve_symbol kernel/module/main.c:1200"));
    EXPECT_FALSE(known_finding_ids("{\"x\":1}").ok());
    const std::string md = findings_markdown(f);
    EXPECT_NE(md.find("## loader resolve_symbol kernel/module/main.c:1200"), std::string::npos) << md;
    EXPECT_NE(md.find("the crash needs 2 of 10 differences from seed `consumer`"), std::string::npos) << md;
    EXPECT_NE(md.find("no input (taken with the VM)"), std::string::npos) << md;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// findings.html: one section per finding linked from the summary table, counts per class, the
// kernels a finding was replayed on, and untrusted text (titles come from a kernel) escaped.
TEST(Findings, HtmlPageHasEveryFindingEscaped) {
    Findings f;
    f.kernel = "debian-6.1-cloud";
    f.crashes.push_back(crash("a", "BUG: <script>x</script> in strcmp", "loader", "resolve_symbol kernel/module/main.c:1200", 1, 2));
    f.crashes[0].affected = {{"k1", "6.1.0-50-cloud-amd64", "crash", "BUG in strcmp", "", 1.5},
                             {"k2", "6.1.0-57-cloud-amd64", "no-crash", "", "", 1.2}};
    f.crashes.push_back(crash("b", "t2", "module-code", "mh_consumer_init [mh_consumer]", 0, 0));
    group_findings(f, {});
    const std::string html = findings_html(f);
    EXPECT_EQ(html.find("<script>"), std::string::npos) << "kernel text must be escaped";
    EXPECT_NE(html.find("BUG: &lt;script&gt;x&lt;/script&gt; in strcmp"), std::string::npos);
    EXPECT_NE(html.find("href=\"#finding-1\""), std::string::npos);
    EXPECT_NE(html.find("id=\"finding-2\""), std::string::npos);
    EXPECT_NE(html.find("same crash on 1 of 2"), std::string::npos) << html;
    EXPECT_NE(html.find("did not reproduce in 1 replay(s)"), std::string::npos);
    EXPECT_NE(html.find("6.1.0-57-cloud-amd64"), std::string::npos);
    EXPECT_EQ(count(html, "<tr"), count(html, "</tr>"));
    EXPECT_EQ(count(html, "<table"), count(html, "</table>"));
    EXPECT_EQ(count(html, "<ul"), count(html, "</ul>"));
}

}  // namespace
}  // namespace mh::campaign
