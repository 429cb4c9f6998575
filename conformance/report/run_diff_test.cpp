// Diff of two runs: join on (group, id), the compared fields, class grouping, text/JSON/HTML forms.
#include "conformance/report/run_diff.h"

#include <gtest/gtest.h>

#include "conformance/report/diff_html.h"
#include "conformance/report/test_support.h"

namespace mh::conformance {
namespace {

const nlohmann::json* find_changed(const nlohmann::json& diff, const std::string& id) {
    for (const auto& cls : diff["classes"])
        for (const auto& ch : cls["changed"])
            if (ch["id"] == id) return &ch;
    return nullptr;
}

TEST(DiffRuns, SummaryAndSchema) {
    auto d = diff_runs(testing::run_a(), testing::run_b());
    EXPECT_EQ(d["schema"], "modharness.diff/1");
    EXPECT_EQ(d["summary"], (nlohmann::json{{"in_both", 13}, {"same", 8}, {"changed", 5}, {"only_a", 1}, {"only_b", 1}}));
    EXPECT_EQ(d["a"]["kernel"], "debian-6.1-cloud");
    EXPECT_EQ(d["b"]["release"], "6.12.57+deb13-cloud-amd64");
    EXPECT_FALSE(diff_is_empty(d));
    EXPECT_TRUE(d["warnings"].empty());
}

TEST(DiffRuns, GroupedByClassInNaturalOrder) {
    auto d = diff_runs(testing::run_a(), testing::run_b());
    std::vector<std::string> classes;
    for (const auto& c : d["classes"]) classes.push_back(c["class"]);
    EXPECT_EQ(classes, (std::vector<std::string>{"E9", "E12", "F9", "F12", "F13", "G3", "G5"}));
    EXPECT_EQ(
        d["classes"][2]["only_a"][0],
        (nlohmann::json{{"group", "default"}, {"id", "f9-empty-finit"}, {"call", "finit"}, {"verdict", "PASS"}, {"errno", "EINVAL"}}));
    EXPECT_EQ(d["classes"][4]["only_b"][0]["id"], "f13-memfd-finit");
}

TEST(DiffRuns, ChangedFields) {
    auto d = diff_runs(testing::run_a(), testing::run_b());
    auto fields = [&](const char* id) {
        auto* ch = find_changed(d, id);
        return ch ? (*ch)["fields"] : nlohmann::json();
    };
    EXPECT_EQ(fields("e12-nobits-huge-init"), (nlohmann::json{"errno", "verdict", "taint_added"}));
    EXPECT_EQ(fields("e9-shstrtab-nobits-init"), (nlohmann::json{"log_class"}));
    EXPECT_EQ(fields("f12-sysfs-finit"), (nlohmann::json{"errno", "verdict"}));
    EXPECT_EQ(fields("g3-plain-compressed"), (nlohmann::json{"errno"}));
    EXPECT_EQ(fields("g5-xz-garbage"), (nlohmann::json{"errno", "verdict"}));
    EXPECT_EQ(find_changed(d, "f1-closed-finit"), nullptr);
    const auto& e12 = *find_changed(d, "e12-nobits-huge-init");
    EXPECT_EQ(e12["a"]["errno"], "");  // no result in A
    EXPECT_EQ(e12["b"]["errno"], "ENOMEM");
    EXPECT_EQ(e12["a"]["taint_added"], "D");
    EXPECT_EQ(e12["a"]["title"], "BUG: unable to handle page fault for address: ffffc90000c00000");
}

TEST(DiffRuns, SameRunAndSwappedRuns) {
    auto a = testing::run_a();
    auto same = diff_runs(a, a);
    EXPECT_TRUE(diff_is_empty(same));
    EXPECT_TRUE(same["classes"].empty());
    EXPECT_NE(diff_text(same).find("joined on (group, id): 14 in both, 14 same, 0 changed, 0 only in A, 0 only in B\n"
                                   "no differences\n"),
              std::string::npos);
    auto swapped = diff_runs(testing::run_b(), a);
    EXPECT_EQ(swapped["summary"]["only_a"], 1);
    EXPECT_EQ(swapped["classes"][4]["only_a"][0]["id"], "f13-memfd-finit");
}

TEST(DiffRuns, JoinKeyIncludesGroup) {
    auto a = testing::run_a(), b = testing::run_a();
    b["cases"][13]["group"] = "other";  // p5-unsigned-finit moves group: a different case
    auto d = diff_runs(a, b);
    EXPECT_EQ(d["summary"]["only_a"], 1);
    EXPECT_EQ(d["summary"]["only_b"], 1);
    EXPECT_EQ(d["summary"]["changed"], 0);
}

TEST(DiffRuns, DuplicatesAndClassMovesWarn) {
    auto a = testing::run_a(), b = testing::run_a();
    b["cases"].push_back(b["cases"][0]);
    b["cases"][1]["class"] = "F8";
    auto d = diff_runs(a, b);
    EXPECT_TRUE(diff_is_empty(d));
    ASSERT_EQ(d["warnings"].size(), 2u);
    EXPECT_EQ(d["warnings"][0], "run B has case default/f1-closed-finit more than once; the first is compared");
    EXPECT_EQ(d["warnings"][1], "case default/f7-dir-finit is class F7 in A but F8 in B; listed under F7");
}

TEST(DiffText, Lines) {
    std::string t = diff_text(diff_runs(testing::run_a(), testing::run_b()));
    EXPECT_EQ(t.rfind("A: debian-6.1-cloud (6.1.0-56-cloud-amd64), started 2026-11-29T04:10:00Z\n"
                      "B: debian-6.12-cloud (6.12.57+deb13-cloud-amd64), started 2026-11-29T04:20:00Z\n"
                      "joined on (group, id): 13 in both, 8 same, 5 changed, 1 only in A, 1 only in B\n",
                      0),
              0u)
        << t;
    EXPECT_NE(t.find("\nF12  sysfs attribute file\n"
                     "  changed  default/f12-sysfs-finit [finit]  errno EINVAL -> EIO; verdict FAIL -> PASS\n"),
              std::string::npos);
    EXPECT_NE(t.find("  changed  default/e12-nobits-huge-init [init]\n"
                     "             errno - -> ENOMEM\n"
                     "             verdict KERNEL -> PASS\n"
                     "             taint_added D -> -\n"),
              std::string::npos);
    EXPECT_NE(t.find("  only A   default/f9-empty-finit [finit]  PASS EINVAL\n"), std::string::npos);
    EXPECT_NE(t.find("  only B   default/f13-memfd-finit [finit]  PASS ENOTRECOVERABLE\n"), std::string::npos);
    EXPECT_NE(t.find("log_class elf-shstrtab -> elf-shstrtab-type"), std::string::npos);
    EXPECT_EQ(t.find("no differences"), std::string::npos);
}

TEST(DiffHtml, PageAndCells) {
    auto d = diff_runs(testing::run_a(), testing::run_b());
    std::string h = diff_html(d);
    EXPECT_EQ(h.rfind("<!DOCTYPE html>\n", 0), 0u);
    EXPECT_NE(h.find("<title>modharness diff: debian-6.1-cloud vs debian-6.12-cloud</title>"), std::string::npos);
    EXPECT_NE(h.find("<tr><td>default/f12-sysfs-finit</td><td>finit</td><td class=\"v-fail\">EINVAL → EIO</td>"
                     "<td class=\"v-fail\">FAIL → PASS</td><td>-</td><td>-</td></tr>"),
              std::string::npos);
    EXPECT_NE(h.find("<li class=\"diff-a\">default/f9-empty-finit [finit] PASS EINVAL</li>"), std::string::npos);
    EXPECT_NE(h.find("<li class=\"diff-b\">default/f13-memfd-finit [finit] PASS ENOTRECOVERABLE</li>"), std::string::npos);
    EXPECT_EQ(testing::xml_problem(h), "");
    EXPECT_NE(diff_html(diff_runs(testing::run_a(), testing::run_a())).find("<p class=\"v-pass\">No differences.</p>"), std::string::npos);
}

}  // namespace
}  // namespace mh::conformance
