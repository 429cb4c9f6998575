// Tests for Debian changelog parsing and ranking, on an excerpt of the real 6.1.0-57 cloud image's
// changelog.Debian.gz (testdata/changelog-6.1-excerpt.txt: five entries as written, 6.1.170-1 and
// 6.1.164-1 cut to a few items each).
#include "harness/kernels/debian_changelog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "harness/common/files.h"
#include "harness/kernels/archive_test_support.h"

namespace {

using namespace mh;
using namespace mh::kernels;

std::vector<ChangelogEntry> excerpt() {
    auto text = fixtures::testdata("changelog-6.1-excerpt.txt");
    EXPECT_FALSE(text.empty());
    auto entries = parse_debian_changelog(text);
    EXPECT_TRUE(entries.ok()) << (entries ? "" : entries.error().message);
    return entries.value_or(std::vector<ChangelogEntry>{});
}

const ChangelogItem* find_item(const std::vector<ChangelogItem>& items, std::string_view prefix) {
    auto it = std::find_if(items.begin(), items.end(), [&](const ChangelogItem& i) { return i.text.rfind(prefix, 0) == 0; });
    return it == items.end() ? nullptr : &*it;
}

TEST(DebianChangelog, EntriesItemsAndTheirUpstreamRelease) {
    const auto entries = excerpt();
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[0].package, "linux");
    EXPECT_EQ(entries[0].version, "6.1.172-1");
    EXPECT_EQ(entries[0].distribution, "bookworm-security");
    EXPECT_EQ(entries[0].date, "Fri, 15 May 2026 11:58:29 +0200");
    // "New upstream stable update:" with two URLs and no items, then a maintainer's item.
    ASSERT_EQ(entries[0].items.size(), 2u);
    EXPECT_EQ(entries[0].items[1].text, "ptrace: slightly saner 'get_dumpable()' logic");
    EXPECT_EQ(entries[0].items[1].under, "");

    const auto& e170 = entries[3];
    EXPECT_EQ(e170.version, "6.1.170-1");
    const auto* mod = find_item(e170.items, "module: Fix kernel panic");
    ASSERT_NE(mod, nullptr);
    EXPECT_EQ(mod->upstream, "6.1.168");
    EXPECT_EQ(mod->under, "New upstream stable update:");
    EXPECT_EQ(mod->version, "6.1.170-1");
    const auto* siw = find_item(e170.items, "RDMA/siw");
    ASSERT_NE(siw, nullptr);
    EXPECT_EQ(siw->upstream, "6.1.165");
    // Wrapped lines are joined.
    const auto* hid = find_item(e170.items, "[x86] platform/x86: intel-hid");
    ASSERT_NE(hid, nullptr);
    EXPECT_EQ(hid->text, "[x86] platform/x86: intel-hid: Add Dell 14 Plus 2-in-1 to dmi_vgbs_allow_list");
    const auto* revert = find_item(entries[2].items, "Revert \"wifi");
    ASSERT_NE(revert, nullptr);
    EXPECT_NE(revert->text.find("(Closes: #1135599)"), std::string::npos) << revert->text;
    // Items after a maintainer line are top-level again.
    const auto* rxe = find_item(e170.items, "RDMA/rxe: Fix double free");
    ASSERT_NE(rxe, nullptr);
    EXPECT_EQ(rxe->upstream, "");
}

TEST(DebianChangelog, RangeIsAfterExclusiveUpToInclusiveInDpkgOrder) {
    const auto entries = excerpt();
    const auto items = changelog_between(entries, "6.1.164-1", "6.1.170-2");
    ASSERT_FALSE(items.empty());
    for (const auto& i : items) EXPECT_TRUE(i.version == "6.1.170-1" || i.version == "6.1.170-2") << i.version;
    EXPECT_NE(find_item(items, "module: Fix kernel panic"), nullptr);
    EXPECT_TRUE(changelog_between(entries, "6.1.172-1", "6.1.180-1").empty());
    EXPECT_EQ(changelog_between(entries, "6.1.170-3", "6.1.172-1").size(), entries[0].items.size());
}

// The shape of a bookworm backport's changelog (6.12.117+deb12's, abridged): its own ~deb12u1
// entries interleaved with the trixie entries it was rebuilt from, which sort after them in dpkg
// order. The range between two backports is the file's entries between them.
TEST(DebianChangelog, BackportRangeFollowsTheFileOrder) {
    const std::string sig = "\n -- Ben Hutchings <benh@debian.org>  Sat, 14 Nov 2026 13:56:01 +0100\n\n";
    auto entries =
        parse_debian_changelog("linux-6.12 (6.12.117-1~deb12u1) bookworm-security; urgency=high\n\n  * Rebuild for bookworm\n" + sig +
                               "linux (6.12.117-1) trixie-security; urgency=high\n\n  * New upstream stable update:\n"
                               "    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.117\n    - module: check shstrtab type\n" +
                               sig +
                               "linux (6.12.116-1) trixie-security; urgency=high\n\n  * New upstream stable update:\n"
                               "    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.116\n    - ext4: something\n" +
                               sig + "linux-6.12 (6.12.115-2~deb12u1) bookworm-security; urgency=high\n\n  * Rebuild for bookworm\n" + sig +
                               "linux (6.12.115-2) trixie-security; urgency=high\n\n  * Already in 6.12.115-2~deb12u1\n" + sig);
    ASSERT_TRUE(entries.ok()) << entries.error().message;
    const auto items = changelog_between(*entries, "6.12.115-2~deb12u1", "6.12.117-1~deb12u1");
    ASSERT_EQ(items.size(), 5u);
    EXPECT_NE(find_item(items, "module: check shstrtab type"), nullptr);
    EXPECT_EQ(find_item(items, "module: check shstrtab type")->upstream, "6.12.117");
    EXPECT_NE(find_item(items, "ext4: something"), nullptr);
    EXPECT_EQ(find_item(items, "Already in"), nullptr);
    // An end without an entry of its own: dpkg order, as before.
    EXPECT_EQ(changelog_between(*entries, "6.12.116-1", "6.12.118-1").size(), 3u);
}

TEST(DebianChangelog, ModuleSubjectsAndNamedFunctionsRankFirst) {
    const auto entries = excerpt();
    const auto items = changelog_between(entries, "6.1.164-1", "6.1.172-1");
    const auto ranked = rank_changelog_items(items, {"bnode", "hfs_bnode_create"});
    ASSERT_GE(ranked.size(), 2u);
    EXPECT_EQ(ranked[0].item.text, "module: Fix kernel panic when a symbol st_shndx is out of bounds");
    EXPECT_EQ(ranked[0].score, 10);
    EXPECT_EQ(ranked[0].why, std::vector<std::string>{"subject module:"});
    // Named by a stack frame of the case (a whole identifier, not part of one: "bnode" is not).
    EXPECT_EQ(ranked[1].item.text.rfind("hfsplus:", 0), 0u) << ranked[1].item.text;
    EXPECT_EQ(ranked[1].why, std::vector<std::string>{"names hfs_bnode_create"});
    // "bpf: Release module BTF IDR before module unload" is about modules but not the loader's subject.
    for (const auto& r : ranked) EXPECT_GT(r.score, 0) << r.item.text;
    EXPECT_EQ(rank_changelog_items(items, {}, true).size(), items.size());
}

TEST(DebianChangelog, MalformedTextIsAnErrorNamingTheLine) {
    auto r = parse_debian_changelog("  * an item before any header\n");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("line 1"), std::string::npos) << r.error().message;
    EXPECT_FALSE(parse_debian_changelog("").ok());
    EXPECT_FALSE(parse_debian_changelog("\n\n").ok());
    auto garbage = parse_debian_changelog("linux (6.1.1-1) x; u\n\x01\x02 binary junk\n  * fine\n");
    ASSERT_TRUE(garbage.ok());
    EXPECT_EQ(garbage->at(0).items.size(), 1u);
}

TEST(DebianChangelog, ReadsTheImagePackagesGzippedChangelogFromAKernelDirectory) {
    const auto dir = std::filesystem::temp_directory_path() / ("mh-changelog-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    EXPECT_EQ(read_kernel_changelog(dir).error().kind, ErrorKind::kEnvironment);
    ASSERT_TRUE(fixtures::write_kernel_changelog(dir, "6.1.0-57-cloud-amd64", fixtures::testdata("changelog-6.1-excerpt.txt")));
    const auto doc = dir / "usr/share/doc/linux-image-6.1.0-57-cloud-amd64-unsigned";
    auto entries = read_kernel_changelog(dir);
    ASSERT_TRUE(entries.ok()) << entries.error().message;
    EXPECT_EQ(entries->size(), 5u);
    // A corrupt file is an input error naming it.
    ASSERT_TRUE(write_file_atomic(doc / "changelog.Debian.gz", "\x1f\x8b not gzip").ok());
    auto bad = read_kernel_changelog(dir);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("changelog.Debian.gz"), std::string::npos) << bad.error().message;
    std::filesystem::remove_all(dir);
}

}  // namespace
