// Tests for tree relocation (symlinks + Makefile include, checked with real make), .config parsing, bzImage checks.
#include "harness/kernels/kernel_tree.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "harness/host/process.h"
#include "harness/host/test_files.h"

namespace {

namespace fs = std::filesystem;
using namespace mh;
using namespace mh::kernels;
using namespace mh::host::testing;

TEST(TreeFixup, RewritesAbsoluteLinksAndMakefileIncludeSoMakeWorks) {
    host::testing::TempDir t("mh-kernel-tree");
    const fs::path root = t.path / "kernel";
    // Debian layout in miniature.
    host::testing::write_file(root / "usr/src/linux-headers-6.1.0-9-common/Makefile", "all:\n\t@echo COMMON_OK\n");
    host::testing::write_file(root / "usr/lib/linux-kbuild-6.1/scripts/x", "");
    host::testing::write_file(root / "usr/src/linux-headers-6.1.0-9-cloud-amd64/Makefile",
                              "include /usr/src/linux-headers-6.1.0-9-common/Makefile\n");
    fs::create_directories(root / "lib/modules/6.1.0-9-cloud-amd64");
    fs::create_symlink("/usr/src/linux-headers-6.1.0-9-cloud-amd64", root / "lib/modules/6.1.0-9-cloud-amd64/build");
    fs::create_symlink("../../lib/linux-kbuild-6.1/scripts", root / "usr/src/linux-headers-6.1.0-9-cloud-amd64/scripts");
    fs::create_symlink("/nonexistent/elsewhere", root / "lib/modules/6.1.0-9-cloud-amd64/dangling");

    auto fix = make_tree_relocatable(root);
    ASSERT_TRUE(fix.ok()) << fix.error().message;
    EXPECT_EQ(fix->links_rewritten, 1);
    EXPECT_EQ(fix->makefiles_patched, 1);
    ASSERT_EQ(fix->dangling.size(), 1u);

    auto build = fs::read_symlink(root / "lib/modules/6.1.0-9-cloud-amd64/build");
    EXPECT_FALSE(build.is_absolute());
    EXPECT_TRUE(fs::exists(root / "lib/modules/6.1.0-9-cloud-amd64/build/Makefile"));
    EXPECT_EQ(fs::read_symlink(root / "usr/src/linux-headers-6.1.0-9-cloud-amd64/scripts"), "../../lib/linux-kbuild-6.1/scripts");

    // Move the whole tree: relative links and the Makefile include must still work, from any cwd.
    const fs::path moved = t.path / "elsewhere" / "kernel";
    fs::create_directories(moved.parent_path());
    fs::rename(root, moved);
    auto r = host::run_process({"make", "-s", "-C", (moved / "lib/modules/6.1.0-9-cloud-amd64/build").string()});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->success()) << r->out << r->err;
    EXPECT_EQ(r->out, "COMMON_OK\n");

    // Idempotent.
    auto again = make_tree_relocatable(moved);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->links_rewritten, 0);
    EXPECT_EQ(again->makefiles_patched, 0);
}

TEST(TreeFixup, NotADirectory) {
    auto fix = make_tree_relocatable("/nonexistent-mh-tree");
    ASSERT_FALSE(fix.ok());
    EXPECT_NE(fix.error().message.find("/nonexistent-mh-tree"), std::string::npos);
}

TEST(KernelConfig, ParsesValuesAndNotSet) {
    const char* text =
        "#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 6.12.117 Kernel Configuration\n#\n"
        "CONFIG_CC_VERSION_TEXT=\"gcc-12 (Debian 12.2.0-14) 12.2.0\"\n"
        "CONFIG_MODULES=y\nCONFIG_MODULE_SIG=y\n# CONFIG_MODULE_SIG_FORCE is not set\nCONFIG_MODULE_DECOMPRESS=y\n"
        "CONFIG_MODULE_COMPRESS_XZ=y\nCONFIG_MODVERSIONS=y\n# CONFIG_KASAN is not set\nCONFIG_LOG_BUF_SHIFT=17\n";
    auto cfg = parse_kernel_config(text);
    EXPECT_EQ(cfg["CONFIG_MODULES"], "y");
    EXPECT_EQ(cfg["CONFIG_MODULE_SIG_FORCE"], "n");
    EXPECT_EQ(cfg["CONFIG_LOG_BUF_SHIFT"], "17");
    EXPECT_EQ(cfg["CONFIG_CC_VERSION_TEXT"], "\"gcc-12 (Debian 12.2.0-14) 12.2.0\"");
    auto loader = loader_config(cfg);
    EXPECT_EQ(loader.size(), loader_config_keys().size());
    EXPECT_EQ(loader["CONFIG_KCOV"], "n");  // absent
    EXPECT_EQ(loader["CONFIG_MODULE_DECOMPRESS"], "y");
    EXPECT_EQ(loader.count("CONFIG_LOG_BUF_SHIFT"), 0u);
    EXPECT_EQ(version_from_config_header(text), "6.12.117");
    EXPECT_EQ(version_from_config_header("CONFIG_X=y\n"), "");
}

TEST(BzImage, AcceptsABootHeaderAndReadsTheRelease) {
    host::testing::TempDir t("mh-kernel-tree");
    host::testing::write_file(t.path / "bz", host::testing::fake_bzimage("6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP"));
    auto info = inspect_bzimage(t.path / "bz");
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->boot_protocol, 0x020f);
    EXPECT_EQ(info->release, "6.1.0-56-cloud-amd64");
}

TEST(BzImage, RejectsWithClearErrors) {
    host::testing::TempDir t("mh-kernel-tree");
    host::testing::write_file(t.path / "text", std::string(0x400, 'x'));
    host::testing::write_file(t.path / "short", "HdrS");
    host::testing::write_file(t.path / "vmlinux", std::string("\x7f"
                                                              "ELF") +
                                                      std::string(0x400, '\0'));
    std::string old = host::testing::fake_bzimage("x");
    old[0x206] = 0x01, old[0x207] = 0x01;
    host::testing::write_file(t.path / "old", old);
    struct Case {
        fs::path path;
        const char* needle;
    };
    for (const auto& c :
         {Case{t.path / "text", "HdrS"}, Case{t.path / "short", "HdrS"}, Case{t.path / "vmlinux", "ELF"}, Case{t.path / "old", "too old"},
          Case{t.path, "not a regular file"}, Case{t.path / "missing", "does not exist"}}) {
        auto info = inspect_bzimage(c.path);
        ASSERT_FALSE(info.ok()) << c.path;
        EXPECT_NE(info.error().message.find(c.needle), std::string::npos) << info.error().message;
        EXPECT_NE(info.error().message.find(c.path.string()), std::string::npos) << info.error().message;
    }
}

TEST(TreeSize, CountsRegularFilesOnly) {
    host::testing::TempDir t("mh-kernel-tree");
    host::testing::write_file(t.path / "a", std::string(100, 'a'));
    host::testing::write_file(t.path / "d/b", std::string(50, 'b'));
    fs::create_symlink(t.path / "a", t.path / "link");
    EXPECT_EQ(tree_size_bytes(t.path), 150u);
}

}  // namespace
