// The site-map cache: round trip, staleness by vmlinux key, and refusal of damaged files.
#include "harness/coverage/coverage_cache.h"

#include <gtest/gtest.h>

#include "harness/coverage/coverage_test_support.h"
#include "harness/host/test_files.h"

using namespace mh;
using namespace mh::coverage;

namespace {
const SiteCacheKey kKey{69478496, 1764393154123456789};
}

TEST(SiteCache, RoundTripKeepsEverything) {
    auto s = coverage_testing::sample_sites();
    s.sites[0].frames[0].file = "dir with space/and\ttab%.c";  // escaped in the TSV
    auto back = sites_from_tsv(sites_to_tsv(s, kKey), kKey);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(back->from_cache);
    ASSERT_EQ(back->sites.size(), s.sites.size());
    for (std::size_t i = 0; i < s.sites.size(); ++i) {
        EXPECT_EQ(back->sites[i].pc, s.sites[i].pc);
        EXPECT_EQ(back->sites[i].call, s.sites[i].call);
        EXPECT_EQ(back->sites[i].object, s.sites[i].object);
        EXPECT_EQ(back->sites[i].symbol, s.sites[i].symbol);
        EXPECT_EQ(back->sites[i].boot_only, s.sites[i].boot_only);
        EXPECT_EQ(back->sites[i].frames, s.sites[i].frames);
    }
    EXPECT_EQ(back->mapped_per_object, s.mapped_per_object);
    EXPECT_EQ(back->tail_calls_per_object, s.tail_calls_per_object);
    EXPECT_EQ(back->constructor_calls_per_object, s.constructor_calls_per_object);
}

TEST(SiteCache, OtherVmlinuxIsStale) {
    std::string tsv = sites_to_tsv(coverage_testing::sample_sites(), kKey);
    auto stale = sites_from_tsv(tsv, SiteCacheKey{kKey.vmlinux_size, kKey.vmlinux_mtime_ns + 1});
    ASSERT_FALSE(stale.ok());
    EXPECT_NE(stale.error().message.find("stale"), std::string::npos);
    EXPECT_FALSE(sites_from_tsv(tsv, SiteCacheKey{kKey.vmlinux_size + 1, kKey.vmlinux_mtime_ns}).ok());
}

TEST(SiteCache, DamagedFilesAreRefused) {
    std::string tsv = sites_to_tsv(coverage_testing::sample_sites(), kKey);
    EXPECT_FALSE(sites_from_tsv("", kKey).ok());
    EXPECT_FALSE(sites_from_tsv(tsv.substr(0, tsv.size() / 2), kKey).ok());  // truncated: counts disagree or a row is cut
    std::string other_format = tsv;
    other_format.replace(other_format.find("/1"), 2, "/9");
    EXPECT_FALSE(sites_from_tsv(other_format, kKey).ok());
    EXPECT_FALSE(sites_from_tsv(tsv + "bogus\trow\n", kKey).ok());
    std::string unsorted = tsv + "site\t0000000000000001\t0000000000000000\tmain.o\tx\t0\n";
    EXPECT_FALSE(sites_from_tsv(unsorted, kKey).ok());
}

TEST(SiteCache, KeyFollowsTheFile) {
    mh::host::testing::TempDir dir("mh-site-cache");
    mh::host::testing::write_file(dir.path / "vmlinux", "0123456789");
    auto k = site_cache_key(dir.path / "vmlinux");
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ(k->vmlinux_size, 10u);
    EXPECT_GT(k->vmlinux_mtime_ns, 0);
    EXPECT_FALSE(site_cache_key(dir.path / "missing").ok());
}
