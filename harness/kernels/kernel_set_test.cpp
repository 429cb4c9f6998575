// Tests for kernel set expansion over canned archive listings (testdata/apt-show-cloud.txt) and fake cache records.
#include "harness/kernels/kernel_set.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "harness/common/files.h"
#include "harness/kernels/archive_test_support.h"

namespace {

using namespace mh;
using namespace mh::kernels;

KernelRecord record(const std::string& release, const std::string& upstream, const std::string& image, const std::string& version,
                    std::vector<std::string> names) {
    KernelRecord r;
    r.release = release;
    r.version = upstream;
    r.names = std::move(names);
    r.packages = {{image, version}, {"linux-headers-" + release, version}};
    r.bzimage = "boot/vmlinuz-" + release;
    return r;
}

struct Fake {
    int archive_calls = 0;
    std::vector<std::pair<std::filesystem::path, KernelRecord>> cache = {
        {"/c/6.1.0-57-cloud-amd64",
         record("6.1.0-57-cloud-amd64", "6.1.192", "linux-image-6.1.0-57-cloud-amd64-unsigned", "6.1.192-3", {"debian-6.1-cloud"})},
        {"/c/6.12.117+deb12-cloud-amd64",
         record("6.12.117+deb12-cloud-amd64", "6.12.117", "linux-image-6.12.117+deb12-cloud-amd64-unsigned", "6.12.117-1~deb12u1",
                {"debian-6.12-cloud"})},
        // A build the archive no longer lists, and the fuzz kernel.
        {"/c/6.1.0-40-cloud-amd64",
         record("6.1.0-40-cloud-amd64", "6.1.153", "linux-image-6.1.0-40-cloud-amd64-unsigned", "6.1.153-1", {})},
        {"/c/fuzz", record("6.12.57-fuzz", "6.12.57", "linux-source-6.12", "6.12.57-1~deb12u1", {"fuzz-6.12", "fuzz-6.12-nosig"})},
    };
    SetSources sources() {
        SetSources s;
        s.archive = [this]() -> Expected<std::vector<ArchiveKernel>> {
            ++archive_calls;
            auto text = read_text_file(fixtures::testdata_path("apt-show-cloud.txt"));
            if (!text) return text.error();
            return archive_kernels_from(parse_apt_show(*text));
        };
        s.cached = [this] { return cache; };
        s.current_release = [](const std::string& name) -> Expected<std::string> {
            if (name == "debian-6.12" || name == "linux-image-6.12-amd64") return std::string("6.12.118+deb12-amd64");
            if (name == "linux-image-cloud-amd64") return std::string("6.1.0-57-cloud-amd64");
            return make_error("apt does not know package '" + name + "'");
        };
        s.bzimage_release = [](const std::filesystem::path& p) -> Expected<std::string> {
            if (p.filename() == "bzImage") return std::string("6.13.0-rc1-mine");
            return make_error("'" + p.string() + "' is not a bzImage");
        };
        return s;
    }
};

std::vector<std::string> labels(const std::vector<SetMember>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m.label());
    return out;
}

Expected<std::vector<SetMember>> expand(Fake& f, const std::string& spec) { return expand_kernel_set({spec}, f.sources()); }

TEST(KernelSet, LineAtAllIsEveryUsableBuildPlusCachedOnesInVersionOrder) {
    Fake f;
    auto s = expand(f, "debian-6.1-cloud@all");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(labels(*s),
              (std::vector<std::string>{"6.1.0-40", "6.1.0-47", "6.1.0-50", "6.1.0-53", "6.1.0-54", "6.1.0-55", "6.1.0-56", "6.1.0-57"}));
    EXPECT_TRUE(s->front().cached);  // 6.1.0-40: only in the cache
    EXPECT_FALSE((*s)[1].cached);
    EXPECT_TRUE(s->back().cached);
    EXPECT_EQ(s->back().name, "6.1.0-57-cloud-amd64");
    EXPECT_EQ((*s)[2].name, "6.1.0-50-cloud-amd64");
    EXPECT_EQ((*s)[2].version, "6.1.176-1");
    EXPECT_EQ((*s)[2].image_package, "linux-image-6.1.0-50-cloud-amd64-unsigned");
    EXPECT_EQ((*s)[2].display(), "debian-6.1-cloud 6.1.0-50");
    EXPECT_EQ((*s)[2].dir_name(), "6.1.0-50-cloud-amd64");
    EXPECT_EQ(f.archive_calls, 1);

    auto t = expand(f, "debian-6.12-cloud@all");
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(labels(*t), (std::vector<std::string>{"6.12.107", "6.12.111", "6.12.113", "6.12.115", "6.12.117", "6.12.118"}));
    EXPECT_EQ(t->front().display(), "debian-6.12-cloud 6.12.107");
}

TEST(KernelSet, RangesOpenAndClosedByBuildOrUpstreamVersion) {
    Fake f;
    auto open = expand(f, "debian-6.1-cloud@6.1.0-50..");
    ASSERT_TRUE(open.ok()) << open.error().message;
    EXPECT_EQ(labels(*open), (std::vector<std::string>{"6.1.0-50", "6.1.0-53", "6.1.0-54", "6.1.0-55", "6.1.0-56", "6.1.0-57"}));
    // Inexact bounds compare in dpkg order: 6.1.0-51 and -52 have no headers.
    auto closed = expand(f, "debian-6.1-cloud@6.1.0-51..6.1.0-54");
    ASSERT_TRUE(closed.ok()) << closed.error().message;
    EXPECT_EQ(labels(*closed), (std::vector<std::string>{"6.1.0-53", "6.1.0-54"}));
    auto upto = expand(f, "debian-6.12-cloud@..6.12.113");
    ASSERT_TRUE(upto.ok()) << upto.error().message;
    EXPECT_EQ(labels(*upto), (std::vector<std::string>{"6.12.107", "6.12.111", "6.12.113"}));
    // Upstream versions (digits and dots), Debian versions and releases name builds too.
    auto up = expand(f, "debian-6.12-cloud@6.12.112..6.12.117-1~deb12u1");
    ASSERT_TRUE(up.ok()) << up.error().message;
    EXPECT_EQ(labels(*up), (std::vector<std::string>{"6.12.113", "6.12.115", "6.12.117"}));
    auto one = expand(f, "debian-6.1-cloud@6.1.187");  // upstream of 6.1.0-53
    ASSERT_TRUE(one.ok()) << one.error().message;
    EXPECT_EQ(labels(*one), (std::vector<std::string>{"6.1.0-53"}));
    auto rel = expand(f, "debian-6.12-cloud@6.12.115+deb12-cloud-amd64");
    ASSERT_TRUE(rel.ok()) << rel.error().message;
    EXPECT_EQ(labels(*rel), (std::vector<std::string>{"6.12.115"}));
}

TEST(KernelSet, NewestCachedAndCombinations) {
    Fake f;
    auto newest = expand(f, "debian-6.12-cloud@newest:2,debian-6.1-cloud@cached");
    ASSERT_TRUE(newest.ok()) << newest.error().message;
    // Ordered by Debian version across lines: 6.1 before 6.12.
    EXPECT_EQ(labels(*newest), (std::vector<std::string>{"6.1.0-40", "6.1.0-57", "6.12.117", "6.12.118"}));
    EXPECT_EQ(labels(expand(f, "debian-6.12-cloud@newest").value()), (std::vector<std::string>{"6.12.118"}));
    // @cached asks no apt.
    Fake g;
    auto cached = expand(g, "debian-6.12-cloud@cached");
    ASSERT_TRUE(cached.ok());
    EXPECT_EQ(labels(*cached), (std::vector<std::string>{"6.12.117"}));
    EXPECT_EQ(g.archive_calls, 0);
    auto all_cached = expand(g, "cached");
    ASSERT_TRUE(all_cached.ok());
    EXPECT_EQ(all_cached->size(), 4u);
    EXPECT_EQ(g.archive_calls, 0);
}

TEST(KernelSet, NamesPackagesAliasesAndBzImages) {
    Fake f;
    // A cached alias is the cached kernel (what conform --kernel would use); the release dedups it.
    auto s = expand_kernel_set({"debian-6.1-cloud", "6.1.0-57-cloud-amd64,linux-image-6.1.0-50-cloud-amd64", "fuzz-6.12", "./my/bzImage"},
                               f.sources());
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(labels(*s), (std::vector<std::string>{"6.1.0-50", "6.1.0-57", "6.12.57-fuzz", "bzImage 6.13.0-rc1-mine"}));
    EXPECT_EQ((*s)[1].from, (std::vector<std::string>{"debian-6.1-cloud", "6.1.0-57-cloud-amd64"}));
    EXPECT_TRUE((*s)[3].user);
    EXPECT_EQ((*s)[3].name, "./my/bzImage");
    EXPECT_EQ((*s)[3].dir_name(), "bzimage-bzImage-6.13.0-rc1-mine");
    EXPECT_EQ((*s)[2].name, "6.12.57-fuzz");
    // An uncached alias goes through apt (the meta package's current build), then the archive.
    auto g = expand(f, "debian-6.12");
    ASSERT_FALSE(g.ok());  // the fixture holds no 6.12 generic builds
    EXPECT_EQ(g.error().kind, ErrorKind::kEnvironment);
    EXPECT_NE(g.error().message.find("6.12.118+deb12-amd64"), std::string::npos) << g.error().message;
}

TEST(KernelSet, ErrorsSayWhatIsOffered) {
    Fake f;
    auto none = expand(f, "debian-6.1-cloud@6.1.0-70..");
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().kind, ErrorKind::kUsage);
    EXPECT_NE(none.error().message.find("6.1.0-57 (cached)"), std::string::npos) << none.error().message;
    auto no_headers = expand(f, "linux-image-6.1.0-48-cloud-amd64");
    ASSERT_FALSE(no_headers.ok());
    EXPECT_NE(no_headers.error().message.find("no linux-headers-6.1.0-48-cloud-amd64"), std::string::npos) << no_headers.error().message;
    auto not_bz = expand(f, "/tmp/not-a-kernel");
    ASSERT_FALSE(not_bz.ok());
    EXPECT_EQ(not_bz.error().kind, ErrorKind::kEnvironment);
}

TEST(KernelSet, SyntaxIsCheckedWithoutAptOrCache) {
    for (const char* bad : {"", "debian-6.1-cloud@", "debian-6.1-cloud@..", "debian-6.1-cloud@newest:0", "debian-6.1-cloud@newest:x",
                            "debian-7-cloud@all", "debian-6.1-gaming@all", "nonsense@all", "no-such-kernel", "debian-6.1-cloud@1..2..3"}) {
        auto st = check_kernel_set({bad});
        ASSERT_FALSE(st.ok()) << bad;
        EXPECT_EQ(st.error().kind, ErrorKind::kUsage) << bad;
    }
    for (const char* good :
         {"debian-6.1-cloud@all", "debian-6.12@newest:3", "debian-6.1-rt@6.1.0-50..", "debian-6.12-cloud@..6.12.115", "cached",
          "linux-image-6.1.0-50-cloud-amd64", "6.1.0-57-cloud-amd64", "debian-6.1-cloud, debian-6.12-cloud@cached", "./bzImage"})
        EXPECT_TRUE(check_kernel_set({good}).ok()) << good << ": " << check_kernel_set({good}).error().message;
}

}  // namespace
