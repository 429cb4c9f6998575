// Every class of contract.md §3 has cases or a "not covered, because…" line, and the contract's
// list of §3 classes is the document's.
#include "conformance/class_coverage.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "harness/common/files.h"

namespace mh::conformance {
namespace {

std::filesystem::path source_dir() { return std::filesystem::path(std::getenv("MH_SOURCE_DIR")); }

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
}

TEST(ClassCoverage, EveryClassOfSection3HasCasesOrAReason) {
    auto c = load_contract(source_dir() / "conformance/contract.txt");
    ASSERT_TRUE(c.ok()) << c.error().message;
    auto report = class_coverage(*c, source_dir() / "conformance");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->problems.empty()) << joined(report->problems);
    EXPECT_GE(report->classes.size(), 100u);
    for (const auto& cc : report->classes) {
        if (cc.uncovered) {
            EXPECT_FALSE(cc.uncovered->reason.empty()) << cc.id;
        }
    }
}

// ../shared/contract.md is the design's reference document; CI checkouts may not have it.
TEST(ClassCoverage, SpecLinesAreTheClassesOfContractMd) {
    auto md = read_text_file(source_dir() / "../shared/contract.md");
    if (!md) GTEST_SKIP() << "no ../shared/contract.md beside the source tree";
    auto c = load_contract(source_dir() / "conformance/contract.txt");
    ASSERT_TRUE(c.ok()) << c.error().message;
    auto doc = section3_classes(*md);
    ASSERT_EQ(doc.size(), c->spec.size());
    for (size_t i = 0; i < doc.size(); ++i) {
        EXPECT_EQ(doc[i].section, c->spec[i].section);
        EXPECT_EQ(doc[i].ids, c->spec[i].ids) << "section " << doc[i].section;
    }
}

TEST(ClassCoverage, ClassWithoutCasesOrReasonIsAProblem) {
    auto dir = std::filesystem::temp_directory_path() / ("mh_coverage_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "cases");
    std::ofstream(dir / "groups.txt") << "group g | - | a.cases\n";
    std::ofstream(dir / "cases/a.cases") << "id=k1-x class=K1 call=init image=none buf=null len=0\n";
    auto problems = [&](const std::string& text) {
        auto c = parse_contract(text, "t");
        EXPECT_TRUE(c.ok()) << c.error().message;
        auto r = class_coverage(*c, dir);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? r->problems : std::vector<std::string>{"error"};
    };
    const std::string base = "spec 3.9 | K1 K9\nclass K1 | 3.9 | t\nrule K1 | * | - | EEXIST | - | s | -\n";
    auto missing = problems(base);
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_NE(missing[0].find("class K9 of contract.md §3.9 has no case"), std::string::npos) << missing[0];
    EXPECT_TRUE(problems(base + "uncovered K9 | 3.9 | t | needs a signal\n").empty());
    auto stale = problems(base + "uncovered K9 | 3.9 | t | r\nuncovered K1 | 3.9 | t | r\n");
    ASSERT_EQ(stale.size(), 1u);
    EXPECT_NE(stale[0].find("K1 has 1 case(s) but is listed as uncovered"), std::string::npos) << stale[0];
    auto stray = problems(base + "uncovered K9 | 3.9 | t | r\nuncovered Z1 | 3.9 | t | r\n");
    ASSERT_EQ(stray.size(), 1u);
    EXPECT_NE(stray[0].find("Z1 is not a class"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(ClassCoverage, Section3ClassesOfAMarkdownText) {
    auto s = section3_classes(
        "## 2. Checks\n| A1 | not here |\n## 3. Classes\n### 3.1 Privilege\n| id | input |\n|---|---|\n| P1 | x | y |\n| P2 | z |\n"
        "### 3.2 Buffers\n| B1 | len |\n## 4. Other\n| C1 | no |\n");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].section, "3.1");
    EXPECT_EQ(s[0].ids, (std::vector<std::string>{"P1", "P2"}));
    EXPECT_EQ(s[1].section, "3.2");
    EXPECT_EQ(s[1].ids, (std::vector<std::string>{"B1"}));
}

}  // namespace
}  // namespace mh::conformance
