// Tests for the changelog side of a bisect report (the search itself: bisect_search_test.cpp), on
// the excerpt of the real 6.1.0-57 cloud image's changelog (harness/kernels/testdata).
#include "conformance/bisect_run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "harness/kernels/archive_kernels.h"
#include "harness/kernels/archive_test_support.h"

namespace {

using namespace mh;
namespace fs = std::filesystem;

kernels::SetMember debian(const std::string& release, const std::string& version) {
    kernels::SetMember m;
    m.name = m.release = release;
    m.parts = kernels::parse_release(release).value_or(kernels::ReleaseParts{});
    m.version = version;
    return m;
}

struct KernelDir {
    fs::path dir = fs::temp_directory_path() / ("mh-bisect-run-" + std::to_string(::getpid()));
    KernelDir() { fs::remove_all(dir); }
    ~KernelDir() { fs::remove_all(dir); }
};

TEST(BisectCandidates, WithinALineTheModuleFixRanksFirst) {
    KernelDir k;
    ASSERT_TRUE(
        kernels::fixtures::write_kernel_changelog(k.dir, "6.1.0-57-cloud-amd64", kernels::fixtures::testdata("changelog-6.1-excerpt.txt")));
    const auto c = conformance::changelog_candidates(debian("6.1.0-44-cloud-amd64", "6.1.164-1"),
                                                     debian("6.1.0-57-cloud-amd64", "6.1.172-1"), k.dir, {}, 3);
    EXPECT_FALSE(c.contains("note")) << c.dump();
    EXPECT_GT(c.value("items", 0u), 1u);
    ASSERT_FALSE(c["ranked"].empty()) << c.dump();
    EXPECT_LE(c["ranked"].size(), 3u);
    const auto& top = c["ranked"][0];
    EXPECT_EQ(top.value("text", "").rfind("module: Fix kernel panic when a symbol st_shndx is out of bounds", 0), 0u) << top.dump();
    EXPECT_EQ(top.value("version", ""), "6.1.170-1");
    EXPECT_GE(top.value("score", 0), 10);
    // The lower bound is exclusive: from 6.1.170-1 on, the fix is not a candidate.
    const auto after = conformance::changelog_candidates(debian("6.1.0-44-cloud-amd64", "6.1.170-1"),
                                                         debian("6.1.0-57-cloud-amd64", "6.1.172-1"), k.dir, {}, 15);
    for (const auto& r : after["ranked"]) EXPECT_NE(r.value("version", ""), "6.1.170-1") << r.dump();
    // A function of the case's kernel log makes an item that names it a candidate.
    const auto named = conformance::changelog_candidates(debian("6.1.0-44-cloud-amd64", "6.1.164-1"),
                                                         debian("6.1.0-57-cloud-amd64", "6.1.172-1"), k.dir, {"hfs_bnode_create"}, 15);
    EXPECT_EQ(named.value("matched", 0u), c.value("matched", 0u) + 1) << named.dump();
    bool found = false;
    for (const auto& r : named["ranked"]) found = found || r.value("text", "").find("hfs_bnode_create") != std::string::npos;
    EXPECT_TRUE(found) << named.dump();
}

TEST(BisectCandidates, AcrossLinesOrWithoutAChangelogThereIsANoteAndNoItems) {
    KernelDir k;
    const auto lines = conformance::changelog_candidates(debian("6.1.0-57-cloud-amd64", "6.1.192-3"),
                                                         debian("6.12.118+deb12-cloud-amd64", "6.12.118-1~deb12u1"), k.dir, {}, 15);
    EXPECT_EQ(lines.value("items", 9u), 0u);
    EXPECT_NE(lines.value("note", "").find("different kernel lines (6.1 -> 6.12)"), std::string::npos) << lines.dump();

    kernels::SetMember user;
    user.name = "/tmp/bzImage";
    const auto mine = conformance::changelog_candidates(debian("6.1.0-57-cloud-amd64", "6.1.192-3"), user, k.dir, {}, 15);
    EXPECT_NE(mine.value("note", "").find("not Debian builds"), std::string::npos) << mine.dump();

    // Same line, but the kernel directory has no changelog (a kernel fetched before they were kept).
    const auto missing = conformance::changelog_candidates(debian("6.1.0-56-cloud-amd64", "6.1.192-2"),
                                                           debian("6.1.0-57-cloud-amd64", "6.1.192-3"), k.dir, {}, 15);
    EXPECT_TRUE(missing["ranked"].empty());
    EXPECT_FALSE(missing.value("note", "").empty()) << missing.dump();
}

TEST(BisectText, NamesTheBoundaryAndTheCandidates) {
    const auto r = nlohmann::json::parse(R"({
        "case": {"group": "default", "id": "c"}, "status": "changed", "runs": 4, "kernels_probed": 3, "bound": 4,
        "last_same": 0, "first_changed": 1,
        "kernels": [
          {"index": 0, "display": "a 1", "debian_version": "1-1", "probed": true, "result": "ENOEXEC P"},
          {"index": 1, "display": "a 2", "debian_version": "2-1", "probed": true, "result": "0 P", "flaky": true,
           "attempts": ["x", "y", "x"]},
          {"index": 2, "display": "a 3", "debian_version": "3-1", "probed": false}],
        "before": {"label": "1", "cell": null}, "after": {"label": "2", "cell": null},
        "candidates": {"from": "1-1", "to": "2-1", "items": 7, "matched": 1, "ranked": [
          {"score": 10, "version": "2-1", "upstream": "6.1.9", "text": "module: fix", "why": ["subject module:"]}]}})");
    const auto text = conformance::bisect_text(r);
    EXPECT_NE(text.find("default/c over 3 kernels: 4 run(s), 3 kernel(s) probed (bound 4)"), std::string::npos) << text;
    EXPECT_NE(text.find("0 P  flaky: x, y, x <- first changed"), std::string::npos) << text;
    EXPECT_NE(text.find("(not run)"), std::string::npos) << text;
    EXPECT_NE(text.find("changelog 1-1..2-1: 7 items, 1 naming"), std::string::npos) << text;
    EXPECT_NE(text.find("module: fix  [subject module:]"), std::string::npos) << text;
}

}  // namespace
