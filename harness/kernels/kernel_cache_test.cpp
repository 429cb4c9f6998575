// Tests for the kernel cache: metadata round trip, fetch from fake .debs (real dpkg-deb), cache hits without apt, user bzImages.
#include "harness/kernels/kernel_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <fstream>
#include <map>

#include "harness/host/process.h"
#include "harness/host/test_files.h"

namespace {

namespace fs = std::filesystem;
using namespace mh;
using namespace mh::kernels;
using namespace mh::host::testing;

const std::string kRel = "6.1.0-56-cloud-amd64";

// Builds a .deb with dpkg-deb from a staging tree filled by `fill`.
void make_deb(const fs::path& out_dir, const std::string& package, const std::string& version,
              const std::function<void(const fs::path&)>& fill) {
    fs::path stage = out_dir / (".stage-" + package);
    fs::create_directories(stage / "DEBIAN");
    host::testing::write_file(stage / "DEBIAN/control", "Package: " + package + "\nVersion: " + version +
                                                            "\nArchitecture: amd64\nMaintainer: test <t@example.org>\nDescription: fake\n");
    fill(stage);
    auto r =
        host::run_process({"dpkg-deb", "-Znone", "--root-owner-group", "--build", stage.string(), (out_dir / (package + ".deb")).string()});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->success()) << r->out << r->err;
    fs::remove_all(stage);
}

struct FakeArchive {
    std::map<std::string, std::string> depends_text;
    int depends_calls = 0;
    int download_calls = 0;
    bool fail_download = false;
    bool skip_common = false;

    FakeArchive() {
        depends_text["linux-image-cloud-amd64"] = "linux-image-cloud-amd64\n  Depends: linux-image-" + kRel + "\n";
        depends_text["linux-image-" + kRel + "-unsigned"] = "linux-image-" + kRel + "-unsigned\n  Depends: kmod\n";
        depends_text["linux-headers-" + kRel] =
            "linux-headers-" + kRel +
            "\n  Depends: linux-headers-6.1.0-56-common\n  Depends: linux-kbuild-6.1\n  Depends: linux-compiler-gcc-12-x86\n";
    }

    AptAccess access() {
        AptAccess a;
        a.depends = [this](const std::string& p) -> mh::Expected<std::string> {
            ++depends_calls;
            auto it = depends_text.find(p);
            if (it == depends_text.end()) return mh::make_error("apt does not know package '" + p + "'");
            return it->second;
        };
        a.download = [this](const std::vector<std::string>& pkgs, const fs::path& dir) -> mh::Status {
            ++download_calls;
            if (fail_download) return mh::make_error("'apt-get download' failed: Temporary failure resolving 'deb.debian.org'");
            EXPECT_EQ(pkgs.size(), 4u);
            make_deb(dir, "linux-image-" + kRel + "-unsigned", "6.1.192-2", [](const fs::path& s) {
                host::testing::write_file(s / "boot" / ("vmlinuz-" + kRel),
                                          host::testing::fake_bzimage(kRel + " (debian-kernel@lists.debian.org) #1 SMP"));
                host::testing::write_file(s / "boot" / ("config-" + kRel),
                                          "# Linux/x86 6.1.192 Kernel Configuration\nCONFIG_MODULES=y\nCONFIG_MODULE_SIG=y\n"
                                          "# CONFIG_MODULE_SIG_FORCE is not set\nCONFIG_MODVERSIONS=y\n");
                fs::create_directories(s / "lib/modules" / kRel / "kernel");
                fs::create_symlink("/usr/src/linux-headers-" + kRel, s / "lib/modules" / kRel / "build");
            });
            make_deb(dir, "linux-headers-" + kRel, "6.1.192-2", [](const fs::path& s) {
                host::testing::write_file(s / "usr/src" / ("linux-headers-" + kRel) / "Makefile",
                                          "include /usr/src/linux-headers-6.1.0-56-common/Makefile\n");
                fs::create_symlink("../../lib/linux-kbuild-6.1/scripts", s / "usr/src" / ("linux-headers-" + kRel) / "scripts");
            });
            if (!skip_common)
                make_deb(dir, "linux-headers-6.1.0-56-common", "6.1.192-2", [](const fs::path& s) {
                    host::testing::write_file(s / "usr/src/linux-headers-6.1.0-56-common/Makefile", "all:\n\t@echo HEADERS_OK\n");
                });
            make_deb(dir, "linux-kbuild-6.1", "6.1.192-3",
                     [](const fs::path& s) { host::testing::write_file(s / "usr/lib/linux-kbuild-6.1/scripts/mod", "x"); });
            return mh::ok_status();
        };
        return a;
    }
};

// Points the cache at a fresh directory for one test.
struct ScopedCache {
    host::testing::TempDir dir{"mh-kernel-cache"};
    ScopedCache() { setenv("MH_CACHE_DIR", dir.path.c_str(), 1); }
    ~ScopedCache() { unsetenv("MH_CACHE_DIR"); }
};

TEST(KernelRecord, JsonRoundTrip) {
    KernelRecord r;
    r.names = {"debian-6.1-cloud", "linux-image-cloud-amd64"};
    r.release = kRel;
    r.version = "6.1.192";
    r.packages = {{"linux-image-" + kRel + "-unsigned", "6.1.192-2"}, {"linux-kbuild-6.1", "6.1.192-3"}};
    r.bzimage = "boot/vmlinuz-" + kRel;
    r.build_tree = "usr/src/linux-headers-" + kRel;
    r.modules_dir = "lib/modules/" + kRel;
    r.config = {{"CONFIG_MODULE_SIG", "y"}, {"CONFIG_KCOV", "n"}};
    r.size_bytes = 123456789;
    r.download_seconds = 1.5;
    r.extract_seconds = 2.25;
    r.fetched_at = "2026-01-01T00:00:00Z";
    auto back = kernel_record_from_json(kernel_record_to_json(r));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->names, r.names);
    EXPECT_EQ(back->release, r.release);
    EXPECT_EQ(back->packages.size(), 2u);
    EXPECT_EQ(back->packages[1].version, "6.1.192-3");
    EXPECT_EQ(back->config, r.config);
    EXPECT_EQ(back->size_bytes, r.size_bytes);
    EXPECT_DOUBLE_EQ(back->extract_seconds, 2.25);
    EXPECT_EQ(back->build_tree, r.build_tree);
}

TEST(KernelRecord, RejectsBadInput) {
    EXPECT_FALSE(kernel_record_from_json("not json").ok());
    EXPECT_FALSE(kernel_record_from_json("[]").ok());
    EXPECT_FALSE(kernel_record_from_json(R"({"format":1})").ok());  // no release
    EXPECT_FALSE(kernel_record_from_json(R"({"format":99,"release":"x","bzimage":"b"})").ok());
    EXPECT_FALSE(kernel_record_from_json(R"({"format":1,"release":"../../etc","bzimage":"b"})").ok());
    EXPECT_FALSE(kernel_record_from_json(R"({"format":1,"release":7,"bzimage":"b"})").ok());
}

TEST(KernelCache, FetchExtractsRelocatesRecordsAndThenNeedsNoApt) {
    ScopedCache cache;
    FakeArchive archive;
    AptAccess apt = archive.access();
    FetchOptions o;
    o.apt = &apt;
    auto k = fetch_kernel("debian-6.1-cloud", o);
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ(k->release, kRel);
    EXPECT_EQ(k->version, "6.1.192");
    EXPECT_EQ(k->bzimage, kernels_dir() / kRel / "boot" / ("vmlinuz-" + kRel));
    EXPECT_TRUE(fs::is_regular_file(k->bzimage));
    EXPECT_EQ(k->build_tree, kernels_dir() / kRel / "usr/src" / ("linux-headers-" + kRel));
    EXPECT_EQ(k->config.at("CONFIG_MODULE_SIG"), "y");
    EXPECT_EQ(k->config.at("CONFIG_MODULE_SIG_FORCE"), "n");
    EXPECT_EQ(k->config.at("CONFIG_KCOV"), "n");
    EXPECT_EQ(archive.download_calls, 1);

    // The relocated tree builds: lib/modules/<rel>/build -> headers -> -common Makefile.
    auto r = host::run_process({"make", "-s", "-C", (k->modules_dir / "build").string()});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out, "HEADERS_OK\n") << r->err;

    // No .deb files or work directories are left behind.
    for (const auto& e : fs::directory_iterator(kernels_dir()))
        EXPECT_TRUE(e.path().filename() == kRel || e.path().filename() == ".lock") << e.path();

    // Cached: no apt call at all, whichever name is used.
    const int calls = archive.depends_calls;
    for (const char* name : {"debian-6.1-cloud", "linux-image-6.1.0-56-cloud-amd64", "6.1.0-56-cloud-amd64"}) {
        auto again = fetch_kernel(name, o);
        ASSERT_TRUE(again.ok()) << name << ": " << again.error().message;
        EXPECT_EQ(again->release, kRel);
        auto offline = resolve_kernel(name, /*fetch=*/false);
        ASSERT_TRUE(offline.ok()) << name;
    }
    EXPECT_EQ(archive.depends_calls, calls);
    EXPECT_EQ(archive.download_calls, 1);

    auto all = cached_kernels();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].name, "debian-6.1-cloud");
    auto records = cached_kernel_records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].second.packages.size(), 4u);
    EXPECT_GT(records[0].second.size_bytes, 0u);

    EXPECT_FALSE(resolve_kernel("debian-6.12-cloud", false).ok());  // not cached, no fetch
}

TEST(KernelCache, DownloadFailureLeavesNothingBehind) {
    ScopedCache cache;
    FakeArchive archive;
    archive.fail_download = true;
    AptAccess apt = archive.access();
    FetchOptions o;
    o.apt = &apt;
    auto k = fetch_kernel("debian-6.1-cloud", o);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(k.error().message.find("deb.debian.org"), std::string::npos);
    EXPECT_EQ(k.error().kind, ErrorKind::kEnvironment);  // exit 3: the machine could not get it
    for (const auto& e : fs::directory_iterator(kernels_dir())) EXPECT_EQ(e.path().filename(), ".lock");
}

// A fuzzing kernel that is not built says the build-fuzz command of its own line and variant.
TEST(KernelCache, UnbuiltFuzzKernelNamesTheCommandThatBuildsIt) {
    ScopedCache cache;
    const std::pair<const char*, const char*> cases[] = {
        {"fuzz-6.12", "build-fuzz"},
        {"fuzz-6.12-sig", "build-fuzz --signing"},
        {"fuzz-6.1", "build-fuzz --source 6.1"},
        {"fuzz-6.1-nosig", "build-fuzz --source 6.1"},
        {"fuzz-6.1-sig", "build-fuzz --source 6.1 --signing"},
    };
    for (const auto& [name, command] : cases) {
        auto k = resolve_kernel(name, /*fetch=*/false);
        ASSERT_FALSE(k.ok()) << name;
        EXPECT_EQ(k.error().kind, ErrorKind::kEnvironment) << name;
        const std::string& m = k.error().message;
        EXPECT_TRUE(m.ends_with(std::string("modharness kernel ") + command)) << name << ": " << m;
    }
}

TEST(KernelCache, MissingPackageFileIsNamed) {
    ScopedCache cache;
    FakeArchive archive;
    archive.skip_common = true;
    AptAccess apt = archive.access();
    FetchOptions o;
    o.apt = &apt;
    auto k = fetch_kernel("debian-6.1-cloud", o);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(k.error().message.find("linux-headers-6.1.0-56-common"), std::string::npos) << k.error().message;
}

TEST(KernelCache, UserBzImageWithAndWithoutBuildTree) {
    host::testing::TempDir t("mh-kernel-cache");
    host::testing::write_file(t.path / "bzImage", host::testing::fake_bzimage("6.13.0-rc1-fuzz (me@host) #3 SMP"));
    auto k = resolve_kernel((t.path / "bzImage").string(), /*fetch=*/true);
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ(k->release, "6.13.0-rc1-fuzz");
    EXPECT_EQ(k->version, "6.13.0");
    EXPECT_TRUE(k->build_tree.empty());
    EXPECT_TRUE(k->modules_dir.empty());

    host::testing::write_file(t.path / "tree/Makefile", "");
    host::testing::write_file(t.path / "tree/.config", "# Linux/x86 6.13.0-rc1 Kernel Configuration\nCONFIG_KCOV=y\nCONFIG_KASAN=y\n");
    host::testing::write_file(t.path / "tree/include/config/kernel.release", "6.13.0-rc1-fuzz\n");
    auto with_tree = resolve_kernel((t.path / "bzImage").string(), true, t.path / "tree");
    ASSERT_TRUE(with_tree.ok()) << with_tree.error().message;
    EXPECT_EQ(with_tree->build_tree, t.path / "tree");
    EXPECT_EQ(with_tree->config.at("CONFIG_KCOV"), "y");

    host::testing::write_file(t.path / "tree/include/config/kernel.release", "6.1.0-other\n");
    auto mismatch = resolve_kernel((t.path / "bzImage").string(), true, t.path / "tree");
    ASSERT_FALSE(mismatch.ok());
    EXPECT_NE(mismatch.error().message.find("6.1.0-other"), std::string::npos);

    auto no_tree = resolve_kernel((t.path / "bzImage").string(), true, t.path / "nope");
    EXPECT_FALSE(no_tree.ok());

    host::testing::write_file(t.path / "notakernel", "hello");
    auto bad = resolve_kernel((t.path / "notakernel").string(), true);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("HdrS"), std::string::npos);
}

// Every form a kernel can be named in passes; anything else is a usage error listing the forms,
// before the cache or apt is asked.
TEST(KernelCache, NamesNoKernelCanHaveAreUsageErrors) {
    ScopedCache cache;
    for (const char* good : {"debian-6.1-cloud", "debian-6.12", "fuzz-6.12", "fuzz-6.12-sig", "linux-image-cloud-amd64",
                             "linux-image-6.1.0-56-cloud-amd64", "6.1.0-56-cloud-amd64", "./bzImage", "/nonexistent/bzImage"})
        EXPECT_TRUE(check_kernel_name(good).ok()) << good;
    for (const char* bad : {"debian-6.1-clud", "no-such-kernel", "6.1", "cloud"}) {
        auto s = check_kernel_name(bad);
        ASSERT_FALSE(s.ok()) << bad;
        EXPECT_EQ(s.error().kind, ErrorKind::kUsage) << bad;
        EXPECT_NE(s.error().message.find("unknown kernel '" + std::string(bad) + "'"), std::string::npos) << s.error().message;
        EXPECT_NE(s.error().message.find("debian-6.1-cloud, debian-6.12-cloud"), std::string::npos) << s.error().message;
        // The same refusal from every entry point, with no apt call (no AptAccess is given).
        EXPECT_EQ(resolve_kernel(bad, true).error().kind, ErrorKind::kUsage) << bad;
        EXPECT_EQ(fetch_kernel(bad).error().kind, ErrorKind::kUsage) << bad;
    }
    // A well-formed name that is not cached: the machine's lack (exit 3), with how to fetch it.
    auto missing = resolve_kernel("linux-image-6.1.0-56-cloud-amd64", false);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::kEnvironment);
    EXPECT_NE(missing.error().message.find("modharness kernel fetch"), std::string::npos) << missing.error().message;
}

TEST(KernelCache, PathsAreRecognised) {
    EXPECT_TRUE(looks_like_path("./bzImage"));
    EXPECT_TRUE(looks_like_path("/boot/vmlinuz"));
    EXPECT_TRUE(looks_like_path("arch/x86/boot/bzImage"));
    EXPECT_FALSE(looks_like_path("debian-6.1-cloud"));
    EXPECT_FALSE(looks_like_path("linux-image-6.1.0-56-cloud-amd64"));
}

}  // namespace
