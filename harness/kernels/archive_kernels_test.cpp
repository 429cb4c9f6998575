// Tests for the archive's kernel builds from real `apt-cache pkgnames`/`apt-cache show` output (testdata/).
#include "harness/kernels/archive_kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "harness/kernels/archive_test_support.h"

namespace {

using namespace mh;
using namespace mh::kernels;

std::string fixture(const std::string& name) {
    std::string text = fixtures::testdata(name);
    EXPECT_FALSE(text.empty()) << fixtures::testdata_path(name);
    return text;
}

const ArchiveKernel* find(const std::vector<ArchiveKernel>& ks, const std::string& release) {
    auto it = std::find_if(ks.begin(), ks.end(), [&](const ArchiveKernel& k) { return k.release == release; });
    return it == ks.end() ? nullptr : &*it;
}

TEST(ReleaseParts, DebianReleases) {
    auto a = parse_release("6.1.0-50-cloud-amd64");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->abi, "6.1.0-50");
    EXPECT_EQ(a->line, "6.1");
    EXPECT_EQ(a->flavour, "cloud-amd64");
    auto b = parse_release("6.12.117+deb12-rt-amd64");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->abi, "6.12.117+deb12");
    EXPECT_EQ(b->line, "6.12");
    EXPECT_EQ(b->flavour, "rt-amd64");
    auto c = parse_release("6.1.0-57-amd64");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->flavour, "amd64");
}

TEST(ReleaseParts, OtherStringsAreNotReleases) {
    for (const char* s :
         {"", "6.1", "6.1.0", "6.1.0-", "6.1.0-50", "6.1.0-x-cloud", "6.12.117+deb12", "fuzz-6.12", "6.12-cloud-amd64", "a.b.c-1-x"})
        EXPECT_FALSE(parse_release(s)) << s;
}

TEST(AptShow, ParsesStanzasAndSkipsContinuations) {
    const char* text =
        "Package: linux-image-6.1.0-57-cloud-amd64-unsigned\n"
        "Version: 6.1.192-3\n"
        "Installed-Size: 105027\n"
        "Description: Linux 6.1 for x86-64 cloud\n"
        " The Linux kernel 6.1 and modules for use on cloud platforms\n"
        " Version: 9.9\n"
        "Size: 26431404\n"
        "\n"
        "Package: no-version\n"
        "\n"
        "Package: linux-headers-6.1.0-57-cloud-amd64\r\n"
        "Version: 6.1.192-3\r\n"
        "Size: x\r\n";
    auto pkgs = parse_apt_show(text);
    ASSERT_EQ(pkgs.size(), 2u);
    EXPECT_EQ(pkgs[0].package, "linux-image-6.1.0-57-cloud-amd64-unsigned");
    EXPECT_EQ(pkgs[0].version, "6.1.192-3");
    EXPECT_EQ(pkgs[0].size, 26431404u);
    EXPECT_EQ(pkgs[0].installed_kib, 105027u);
    EXPECT_EQ(pkgs[0].description, "Linux 6.1 for x86-64 cloud");
    EXPECT_EQ(pkgs[1].package, "linux-headers-6.1.0-57-cloud-amd64");
    EXPECT_EQ(pkgs[1].size, 0u);  // not a number
}

TEST(AptPkgnames, KeepsVersionedImagesAndHeadersOnly) {
    auto names = versioned_kernel_packages(fixture("apt-pkgnames-cloud.txt"));
    EXPECT_NE(std::find(names.begin(), names.end(), "linux-image-6.1.0-50-cloud-amd64-unsigned"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "linux-headers-6.12.118+deb12-cloud-amd64"), names.end());
    for (const auto& n : names) {
        EXPECT_EQ(n.find("-dbg"), std::string::npos) << n;
        EXPECT_NE(n, "linux-image-cloud-amd64");
        EXPECT_NE(n, "linux-image-6.12-cloud-amd64");
    }
}

TEST(ArchiveKernels, FromRealAptShowOutput) {
    auto ks = archive_kernels_from(parse_apt_show(fixture("apt-show-cloud.txt")));
    std::vector<std::string> usable_61, usable_612;
    for (const auto& k : ks) {
        if (!k.usable() || k.parts.flavour != "cloud-amd64") continue;
        (k.parts.line == "6.1" ? usable_61 : usable_612).push_back(k.parts.abi);
    }
    // Debian 12 in late 2026: images of 6.1.0-47..57, headers of 47, 50, 53..57; 6.12.100..118, headers from .107.
    EXPECT_EQ(usable_61, (std::vector<std::string>{"6.1.0-47", "6.1.0-50", "6.1.0-53", "6.1.0-54", "6.1.0-55", "6.1.0-56", "6.1.0-57"}));
    EXPECT_EQ(usable_612, (std::vector<std::string>{"6.12.107+deb12", "6.12.111+deb12", "6.12.113+deb12", "6.12.115+deb12",
                                                    "6.12.117+deb12", "6.12.118+deb12"}));
    const ArchiveKernel* k50 = find(ks, "6.1.0-50-cloud-amd64");
    ASSERT_NE(k50, nullptr);
    EXPECT_EQ(k50->image_package, "linux-image-6.1.0-50-cloud-amd64-unsigned");  // unsigned preferred
    EXPECT_EQ(k50->version, "6.1.176-1");
    EXPECT_EQ(k50->upstream, "6.1.176");
    EXPECT_GT(k50->image_bytes, 10u << 20);
    EXPECT_GT(k50->headers_bytes, 0u);
    const ArchiveKernel* k48 = find(ks, "6.1.0-48-cloud-amd64");  // signed image only, no headers
    ASSERT_NE(k48, nullptr);
    EXPECT_EQ(k48->image_package, "linux-image-6.1.0-48-cloud-amd64");
    EXPECT_FALSE(k48->usable());
    const ArchiveKernel* k118 = find(ks, "6.12.118+deb12-cloud-amd64");  // unsigned image only
    ASSERT_NE(k118, nullptr);
    EXPECT_TRUE(k118->usable());
    EXPECT_EQ(k118->image_package, "linux-image-6.12.118+deb12-cloud-amd64-unsigned");
    // Ordered: line (6.1 before 6.12), flavour, Debian version.
    for (size_t i = 1; i < ks.size(); ++i) EXPECT_TRUE(archive_order_less(ks[i - 1], ks[i])) << ks[i - 1].release << " / " << ks[i].release;
    EXPECT_EQ(ks.front().parts.line, "6.1");
    EXPECT_EQ(ks.back().release, "6.12.118+deb12-cloud-amd64");
    // "-common" headers are no kernel.
    for (const auto& k : ks) EXPECT_EQ(k.release.find("common"), std::string::npos) << k.release;
}

TEST(ArchiveKernels, ListAsksAptOnceForEveryVersionedPackage) {
    AptAccess apt;
    std::vector<std::string> prefixes;
    size_t shown = 0;
    apt.package_names = [&](const std::string& prefix) -> Expected<std::string> {
        prefixes.push_back(prefix);
        return fixture("apt-pkgnames-cloud.txt");
    };
    apt.show = [&](const std::vector<std::string>& pkgs) -> Expected<std::string> {
        shown += pkgs.size();
        return fixture("apt-show-cloud.txt");
    };
    auto ks = list_archive_kernels(apt);
    ASSERT_TRUE(ks.ok()) << ks.error().message;
    EXPECT_EQ(prefixes, (std::vector<std::string>{"linux-image-", "linux-headers-"}));
    EXPECT_GT(shown, 50u);
    EXPECT_FALSE(ks->empty());

    AptAccess none;
    auto missing = list_archive_kernels(none);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::kEnvironment);
}

}  // namespace
