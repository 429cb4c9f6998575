// Tests for alias/package resolution against canned `apt-cache depends` output.
#include "harness/kernels/debian_packages.h"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace mh;
using namespace mh::kernels;

// Real `apt-cache depends` output from Debian 12 (bookworm-security), trimmed only where noted.
const char* kMetaCloud = "linux-image-cloud-amd64\n  Depends: linux-image-6.1.0-56-cloud-amd64\n";
const char* kMeta612Cloud = "linux-image-6.12-cloud-amd64\n  Depends: linux-image-6.12.117+deb12-cloud-amd64\n";
const char* kImage61Unsigned =
    "linux-image-6.1.0-56-cloud-amd64-unsigned\n"
    "  Depends: kmod\n"
    "  Depends: linux-base\n"
    " |Depends: initramfs-tools\n"
    "  Depends: <linux-initramfs-tool>\n"
    "    dracut\n"
    "    initramfs-tools\n"
    "    tiny-initramfs\n"
    "  Conflicts: linux-image-6.1.0-56-cloud-amd64\n"
    "  Breaks: fwupdate\n"
    "  Recommends: firmware-linux-free\n"
    "  Suggests: linux-doc-6.1\n"
    " |Suggests: grub-pc\n"
    "  Replaces: linux-image-6.1.0-56-cloud-amd64\n";
const char* kHeaders61 =
    "linux-headers-6.1.0-56-cloud-amd64\n"
    "  Depends: linux-headers-6.1.0-56-common\n"
    "  Depends: linux-kbuild-6.1\n"
    "  Depends: linux-compiler-gcc-12-x86\n";
const char* kHeaders612 =
    "linux-headers-6.12.117+deb12-cloud-amd64\n"
    "  Depends: linux-base\n"
    "  Depends: linux-headers-6.12.117+deb12-common\n"
    " |Depends: linux-image-6.12.117+deb12-cloud-amd64\n"
    "  Depends: linux-image-6.12.117+deb12-cloud-amd64-unsigned\n"
    "  Depends: linux-kbuild-6.12.117+deb12\n"
    "  Depends: gcc-12\n";

struct FakeApt {
    std::map<std::string, std::string> known;
    std::vector<std::string> asked;
    AptAccess access() {
        AptAccess a;
        a.depends = [this](const std::string& p) -> mh::Expected<std::string> {
            asked.push_back(p);
            auto it = known.find(p);
            if (it == known.end()) return mh::make_error("apt does not know package '" + p + "'");
            return it->second;
        };
        a.download = [](const std::vector<std::string>&, const std::filesystem::path&) -> mh::Status { return mh::make_error("offline"); };
        return a;
    }
};

FakeApt bookworm() {
    FakeApt f;
    f.known["linux-image-cloud-amd64"] = kMetaCloud;
    f.known["linux-image-6.12-cloud-amd64"] = kMeta612Cloud;
    f.known["linux-image-6.1.0-56-cloud-amd64"] = "linux-image-6.1.0-56-cloud-amd64\n  Depends: kmod\n";
    f.known["linux-image-6.1.0-56-cloud-amd64-unsigned"] = kImage61Unsigned;
    f.known["linux-headers-6.1.0-56-cloud-amd64"] = kHeaders61;
    f.known["linux-image-6.12.117+deb12-cloud-amd64-unsigned"] = "linux-image-6.12.117+deb12-cloud-amd64-unsigned\n  Depends: kmod\n";
    f.known["linux-headers-6.12.117+deb12-cloud-amd64"] = kHeaders612;
    return f;
}

TEST(AptDepends, ParsesDependsAlternativesAndSkipsVirtuals) {
    auto recs = parse_apt_depends(kImage61Unsigned);
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].package, "linux-image-6.1.0-56-cloud-amd64-unsigned");
    EXPECT_EQ(recs[0].depends, (std::vector<std::string>{"kmod", "linux-base", "initramfs-tools"}));
}

TEST(AptDepends, SeveralRecords) {
    auto recs = parse_apt_depends(std::string(kMetaCloud) + kHeaders612);
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[1].depends.size(), 6u);
    EXPECT_EQ(recs[1].depends[2], "linux-image-6.12.117+deb12-cloud-amd64");
    EXPECT_TRUE(parse_apt_depends("").empty());
}

TEST(PackageNames, ReleaseFromPackage) {
    EXPECT_EQ(release_from_package("linux-image-6.1.0-56-cloud-amd64"), "6.1.0-56-cloud-amd64");
    EXPECT_EQ(release_from_package("linux-image-6.1.0-56-cloud-amd64-unsigned"), "6.1.0-56-cloud-amd64");
    EXPECT_EQ(release_from_package("linux-headers-6.12.117+deb12-amd64"), "6.12.117+deb12-amd64");
    EXPECT_EQ(release_from_package("linux-image-cloud-amd64"), "");
    EXPECT_EQ(release_from_package("linux-image-6.12-amd64"), "");
    EXPECT_EQ(release_from_package("linux-image-6.1.0-56-amd64-dbg"), "");
    EXPECT_EQ(release_from_package("kmod"), "");
}

TEST(PackageNames, UpstreamVersion) {
    EXPECT_EQ(upstream_version("6.1.192-2"), "6.1.192");
    EXPECT_EQ(upstream_version("6.12.117-1~deb12u1"), "6.12.117");
    EXPECT_EQ(upstream_version("1:6.1.1-1"), "6.1.1");
}

TEST(PackageNames, DebianReleaseOfAKernelRelease) {
    EXPECT_EQ(debian_release_of("6.1.0-57-cloud-amd64"), "debian-12");
    EXPECT_EQ(debian_release_of("6.12.117+deb12-cloud-amd64"), "debian-12");
    EXPECT_EQ(debian_release_of("6.12.57+deb13-amd64"), "debian-13");
    EXPECT_EQ(debian_release_of("6.1.0-0.deb11.13-amd64"), "debian-11");  // bullseye-backports
    EXPECT_EQ(debian_release_of("5.10.0-30-amd64"), "debian-11");
    EXPECT_EQ(debian_release_of("6.1.0"), "");
    EXPECT_EQ(debian_release_of("6.8.0-45-generic"), "");  // Ubuntu
    EXPECT_EQ(debian_release_of(""), "");
}

TEST(Resolve, CloudAliasFollowsMetaPackageAndPrefersUnsigned) {
    auto apt = bookworm();
    auto set = resolve_kernel_packages("debian-6.1-cloud", apt.access());
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->alias, "debian-6.1-cloud");
    EXPECT_EQ(set->release, "6.1.0-56-cloud-amd64");
    EXPECT_EQ(set->image_package, "linux-image-6.1.0-56-cloud-amd64-unsigned");
    EXPECT_EQ(set->header_packages,
              (std::vector<std::string>{"linux-headers-6.1.0-56-cloud-amd64", "linux-headers-6.1.0-56-common", "linux-kbuild-6.1"}));
    EXPECT_EQ(apt.asked.front(), "linux-image-cloud-amd64");
}

TEST(Resolve, Alias612TakesExactHeaderDependencies) {
    auto apt = bookworm();
    auto set = resolve_kernel_packages("debian-6.12-cloud", apt.access());
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->release, "6.12.117+deb12-cloud-amd64");
    EXPECT_EQ(set->all(),
              (std::vector<std::string>{"linux-image-6.12.117+deb12-cloud-amd64-unsigned", "linux-headers-6.12.117+deb12-cloud-amd64",
                                        "linux-headers-6.12.117+deb12-common", "linux-kbuild-6.12.117+deb12"}));
}

TEST(Resolve, VersionedPackageNeedsNoMetaQuery) {
    auto apt = bookworm();
    auto set = resolve_kernel_packages("linux-image-6.1.0-56-cloud-amd64", apt.access());
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_TRUE(set->alias.empty());
    EXPECT_EQ(set->release, "6.1.0-56-cloud-amd64");
    EXPECT_EQ(apt.asked.front(), "linux-image-6.1.0-56-cloud-amd64-unsigned");
    auto by_release = resolve_kernel_packages("6.1.0-56-cloud-amd64", apt.access());
    ASSERT_TRUE(by_release.ok());
    EXPECT_EQ(by_release->image_package, "linux-image-6.1.0-56-cloud-amd64-unsigned");
}

TEST(Resolve, FallsBackToSignedImage) {
    auto apt = bookworm();
    apt.known.erase("linux-image-6.1.0-56-cloud-amd64-unsigned");
    auto set = resolve_kernel_packages("debian-6.1-cloud", apt.access());
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->image_package, "linux-image-6.1.0-56-cloud-amd64");
}

TEST(Resolve, ErrorsNameTheMissingThing) {
    auto apt = bookworm();
    apt.known.erase("linux-headers-6.1.0-56-cloud-amd64");
    auto set = resolve_kernel_packages("debian-6.1-cloud", apt.access());
    ASSERT_FALSE(set.ok());
    EXPECT_NE(set.error().message.find("linux-headers-6.1.0-56-cloud-amd64"), std::string::npos);

    auto unknown = resolve_kernel_packages("debian-9", apt.access());
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("debian-6.1-cloud"), std::string::npos);  // lists the aliases

    auto missing_meta = resolve_kernel_packages("debian-6.1", apt.access());  // linux-image-amd64 unknown here
    ASSERT_FALSE(missing_meta.ok());
    EXPECT_NE(missing_meta.error().message.find("linux-image-amd64"), std::string::npos);

    apt.known["linux-image-cloud-amd64"] = "linux-image-cloud-amd64\n  Depends: kmod\n";
    auto not_meta = resolve_kernel_packages("debian-6.1-cloud", apt.access());
    ASSERT_FALSE(not_meta.ok());
    EXPECT_NE(not_meta.error().message.find("neither"), std::string::npos);
}

TEST(Resolve, AliasTableHasTheFourKernels) {
    for (const char* a : {"debian-6.1", "debian-6.12", "debian-6.1-cloud", "debian-6.12-cloud"}) EXPECT_NE(find_alias(a), nullptr) << a;
    EXPECT_NE(find_alias(std::string(kDefaultKernel)), nullptr);
    EXPECT_EQ(find_alias("linux-image-amd64"), nullptr);
}

}  // namespace
