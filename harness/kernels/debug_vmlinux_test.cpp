// Tests for the debug vmlinux of a kernel: a fuzz kernel's own, a Debian build's from a fake -dbg
// package (built here with dpkg-deb; only the vmlinux is kept), cache hits, and the failures.
#include "harness/kernels/debug_vmlinux.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/common/files.h"
#include "harness/host/process.h"
#include "harness/host/test_files.h"

namespace {

namespace fs = std::filesystem;
using namespace mh;
using namespace mh::kernels;

const std::string kRel = "6.1.0-57-cloud-amd64";

struct ScopedCache {
    host::testing::TempDir dir{"mh-dbg-cache"};
    ScopedCache() { setenv("MH_CACHE_DIR", dir.path.c_str(), 1); }
    ~ScopedCache() { unsetenv("MH_CACHE_DIR"); }
};

// apt with one package, linux-image-<kRel>-dbg: its vmlinux and a module's debug file beside it.
struct FakeDbgArchive {
    int downloads = 0;
    bool known = true;
    AptAccess access() {
        AptAccess a;
        a.show = [this](const std::vector<std::string>& p) -> Expected<std::string> {
            if (!known || p.size() != 1 || p[0] != debug_package(kRel)) return make_error("apt knows none of the packages asked for");
            return "Package: " + p[0] + "\nVersion: 6.1.192-3\nSize: 283306844\n";
        };
        a.download = [this](const std::vector<std::string>& p, const fs::path& dir) -> Status {
            ++downloads;
            const fs::path stage = dir / ".stage";
            host::testing::write_file(stage / "DEBIAN/control",
                                      "Package: " + p[0] +
                                          "\nVersion: 6.1.192-3\nArchitecture: amd64\nMaintainer: t <t@example.org>\n"
                                          "Description: fake\n");
            host::testing::write_file(stage / "usr/lib/debug/boot" / ("vmlinux-" + kRel), "ELF with DWARF");
            host::testing::write_file(stage / "usr/lib/debug/lib/modules" / kRel / "kernel/fs/ext4/ext4.ko", "module debug info");
            auto r =
                host::run_process({"dpkg-deb", "-Zxz", "--root-owner-group", "--build", stage.string(), (dir / (p[0] + ".deb")).string()});
            if (!r || !r->success()) return make_error("dpkg-deb --build failed");
            fs::remove_all(stage);
            return ok_status();
        };
        return a;
    }
};

Kernel debian_kernel() {
    Kernel k;
    k.name = "debian-6.1-cloud";
    k.release = kRel;
    return k;
}

TEST(DebugVmlinux, ADebianBuildsComesFromItsDbgPackageOnceAndAlone) {
    ScopedCache cache;
    FakeDbgArchive archive;
    const auto apt = archive.access();
    DebugVmlinuxOptions o;
    o.apt = &apt;
    std::vector<std::string> said;
    o.progress = [&](const std::string& line) { said.push_back(line); };
    auto v = debug_vmlinux(debian_kernel(), o);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(*v, cached_debug_vmlinux(debian_kernel()));
    EXPECT_EQ(read_text_file(*v).value_or(""), "ELF with DWARF");
    ASSERT_FALSE(said.empty());
    EXPECT_EQ(said[0], "downloading linux-image-6.1.0-57-cloud-amd64-dbg (283 MB)");
    // Only the vmlinux is kept: no package, no module debug files, no work directory.
    std::size_t entries = 0;
    for (const auto& e : fs::recursive_directory_iterator(kernels_dir() / kRel)) entries += e.is_regular_file();
    EXPECT_EQ(entries, 1u);
    // A second call is a cache hit.
    ASSERT_TRUE(debug_vmlinux(debian_kernel(), o).ok());
    EXPECT_EQ(archive.downloads, 1);
}

TEST(DebugVmlinux, NoFetchNoPackageOrNotDebianAreEnvironmentErrors) {
    ScopedCache cache;
    FakeDbgArchive archive;
    const auto apt = archive.access();
    DebugVmlinuxOptions o;
    o.apt = &apt;
    o.fetch = false;
    auto no_fetch = debug_vmlinux(debian_kernel(), o);
    ASSERT_FALSE(no_fetch.ok());
    EXPECT_EQ(no_fetch.error().kind, ErrorKind::kEnvironment);
    EXPECT_NE(no_fetch.error().message.find("not cached"), std::string::npos) << no_fetch.error().message;
    o.fetch = true;
    archive.known = false;
    auto unknown = debug_vmlinux(debian_kernel(), o);
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("the archive has no linux-image-6.1.0-57-cloud-amd64-dbg"), std::string::npos);
    EXPECT_EQ(archive.downloads, 0);
    Kernel mine;
    mine.name = "/tmp/bzImage";
    mine.release = "6.13.0-rc1+";
    auto user = debug_vmlinux(mine, o);
    ASSERT_FALSE(user.ok());
    EXPECT_NE(user.error().message.find("--vmlinux PATH"), std::string::npos) << user.error().message;
}

TEST(DebugVmlinux, AKernelBuiltHereUsesItsOwnVmlinux) {
    host::testing::TempDir tree{"mh-dbg-tree"};
    host::testing::write_file(tree.path / "vmlinux", "built with DWARF");
    Kernel k;
    k.name = "fuzz-6.12";
    k.release = "6.12.117-mhfuzz-sig";
    k.build_tree = tree.path;
    auto v = debug_vmlinux(k);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(*v, tree.path / "vmlinux");
}

}  // namespace
