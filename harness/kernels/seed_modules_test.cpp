// Tests for seed names/sizes, source hashing, blobs, module verification, and (with a cached kernel) real builds.
#include "harness/kernels/seed_modules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "harness/common/files.h"
#include "harness/elf/reader.h"
#include "harness/host/process.h"
#include "harness/host/test_files.h"

namespace {

namespace fs = std::filesystem;
using namespace mh;
using namespace mh::kernels;
using namespace mh::host::testing;

TEST(SeedNames, Sizes) {
    EXPECT_EQ(*parse_size("64M"), 64ull << 20);
    EXPECT_EQ(*parse_size("64m"), 64ull << 20);
    EXPECT_EQ(*parse_size("1MiB"), 1ull << 20);
    EXPECT_EQ(*parse_size("512k"), 512ull << 10);
    EXPECT_EQ(*parse_size("1g"), 1ull << 30);
    EXPECT_EQ(*parse_size("4096"), 4096u);
    EXPECT_FALSE(parse_size("").ok());
    EXPECT_FALSE(parse_size("M").ok());
    EXPECT_FALSE(parse_size("12x").ok());
    EXPECT_FALSE(parse_size("99999999999999999999").ok());
    EXPECT_FALSE(parse_size("99999999999999G").ok());
    EXPECT_EQ(big_seed_name(64ull << 20), "big_64m");
    EXPECT_EQ(big_seed_name(512ull << 10), "big_512k");
    EXPECT_EQ(big_seed_name(1536), "big_1536");
}

TEST(SeedNames, CatalogueAndVariants) {
    auto ok = parse_seed_name("ok");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->module, "mh_ok");
    auto big = parse_seed_name("big");
    ASSERT_TRUE(big.ok());
    EXPECT_EQ(big->big_bytes, kDefaultBigBytes);
    auto big64 = parse_seed_name("big_64M");
    ASSERT_TRUE(big64.ok()) << big64.error().message;
    EXPECT_EQ(big64->name, "big_64m");
    EXPECT_EQ(big64->module, "mh_big_64m");
    EXPECT_EQ(big64->source_dir, "big");
    EXPECT_EQ(big64->big_bytes, 64ull << 20);
    EXPECT_FALSE(parse_seed_name("big_0").ok());
    EXPECT_FALSE(parse_seed_name("big_2g").ok());
    auto bad = parse_seed_name("nope");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("sentinel"), std::string::npos);
    EXPECT_EQ(default_seed_names().size(), seed_catalogue().size());
}

TEST(SeedSources, EveryCatalogueSeedHasGplKbuildSourcesWithDistinctPrefixedNames) {
    fs::path root = corpus_modules_dir();
    ASSERT_TRUE(fs::is_directory(root)) << root;
    std::set<std::string_view> modules;
    for (const auto& s : seed_catalogue()) {
        EXPECT_TRUE(modules.insert(s.module).second) << s.module;
        EXPECT_EQ(s.module.substr(0, 3), "mh_");
        fs::path dir = root / std::string(s.name);
        ASSERT_TRUE(fs::is_regular_file(dir / "Kbuild")) << dir;
        bool gpl = false;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".c" && read_text_file(e.path()).value_or("").find("MODULE_LICENSE(\"GPL\")") != std::string::npos)
                gpl = true;
        EXPECT_TRUE(gpl) << s.name;
    }
    // The big payload comes from .incbin, never a C initializer.
    EXPECT_NE(read_text_file(root / "big/big_blob.S").value_or("").find(".incbin"), std::string::npos);
    EXPECT_NE(read_text_file(root / "sentinel/mh_sentinel.c").value_or("").find("-ENOTRECOVERABLE"), std::string::npos);
}

TEST(SeedSources, HashFollowsSourcesAndParameters) {
    host::testing::TempDir t("mh-seeds");
    std::ofstream(t.path / "Kbuild") << "obj-m := mh_ok.o\n";
    std::ofstream(t.path / "mh_ok.c") << "int x;\n";
    std::ofstream(t.path / "notes.txt") << "ignored\n";
    SeedSpec spec{"ok", "ok", "mh_ok", 0};
    auto h1 = seed_source_hash(t.path, spec, "tree");
    ASSERT_TRUE(h1.ok());
    EXPECT_EQ(h1->size(), 16u);
    EXPECT_EQ(*seed_source_hash(t.path, spec, "tree"), *h1);
    EXPECT_NE(*seed_source_hash(t.path, spec, "other-tree"), *h1);
    std::ofstream(t.path / "notes.txt") << "changed\n";
    EXPECT_EQ(*seed_source_hash(t.path, spec, "tree"), *h1);
    std::ofstream(t.path / "mh_ok.c") << "int y;\n";
    EXPECT_NE(*seed_source_hash(t.path, spec, "tree"), *h1);
    SeedSpec bigger = spec;
    bigger.big_bytes = 1;
    EXPECT_NE(*seed_source_hash(t.path, bigger, "tree"), *seed_source_hash(t.path, spec, "tree"));
    EXPECT_FALSE(seed_source_hash(t.path / "missing", spec, "").ok());
}

TEST(SeedSources, BlobIsExactDeterministicAndNotZero) {
    host::testing::TempDir t("mh-seeds");
    ASSERT_TRUE(write_blob(t.path / "a", 100003).ok());
    ASSERT_TRUE(write_blob(t.path / "b", 100003).ok());
    std::string a = read_text_file(t.path / "a").value_or("");
    EXPECT_EQ(a.size(), 100003u);
    EXPECT_EQ(a, read_text_file(t.path / "b").value_or(""));
    EXPECT_NE(a.find_first_not_of('\0'), std::string::npos);
    EXPECT_NE(a.substr(0, 4096), a.substr(4096, 4096));
}

TEST(SeedVerify, ChecksNameLicenseVermagicAndPayload) {
    host::testing::TempDir t("mh-seeds");
    std::ofstream(t.path / "m.c") << "__attribute__((section(\".modinfo\"), used)) static const char mi[] =\n"
                                     "  \"license=GPL\\0name=mh_ok\\0vermagic=6.1.0-56-cloud-amd64 SMP preempt mod_unload modversions \";\n"
                                     "__attribute__((section(\".gnu.linkonce.this_module\"), used)) static char tm[64];\n";
    auto r = host::run_process({"cc", "-c", "-o", (t.path / "mh_ok.ko").string(), (t.path / "m.c").string()});
    ASSERT_TRUE(r.ok() && r->success());
    SeedSpec ok{"ok", "ok", "mh_ok", 0};
    EXPECT_TRUE(verify_seed_module(t.path / "mh_ok.ko", ok, "6.1.0-56-cloud-amd64").ok());
    EXPECT_FALSE(verify_seed_module(t.path / "mh_ok.ko", ok, "6.1.0-56").ok());  // prefix of a word is not a match
    EXPECT_FALSE(verify_seed_module(t.path / "mh_ok.ko", ok, "6.12.117+deb12-cloud-amd64").ok());
    EXPECT_FALSE(verify_seed_module(t.path / "mh_ok.ko", SeedSpec{"sentinel", "sentinel", "mh_sentinel", 0}, "").ok());
    auto no_payload = verify_seed_module(t.path / "mh_ok.ko", SeedSpec{"big", "big", "mh_ok", 10}, "");
    ASSERT_FALSE(no_payload.ok());
    EXPECT_NE(no_payload.error().message.find("payload"), std::string::npos);
}

// A gcc-built object as verify_seed_module reads it (through the checked ELF reader): sections
// and .modinfo strings, a NOBITS .bss that has no file bytes, a vermagic with its trailing space.
TEST(SeedVerify, ReadsARealObjectThroughTheCheckedReader) {
    host::testing::TempDir t("mh-seeds");
    std::ofstream(t.path / "m.c") << "__attribute__((section(\".modinfo\"), used)) static const char mi[] =\n"
                                     "  \"license=GPL\\0name=mh_x\\0vermagic=6.1.0-1-amd64 SMP \";\n"
                                     "__attribute__((section(\".gnu.linkonce.this_module\"), used)) static char tm[64];\n"
                                     "static char big[4096];\nchar *p = big;\n";
    auto r = host::run_process({"cc", "-c", "-o", (t.path / "mh_x.ko").string(), (t.path / "m.c").string()});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->success()) << r->err;
    EXPECT_TRUE(verify_seed_module(t.path / "mh_x.ko", SeedSpec{"x", "x", "mh_x", 0}, "6.1.0-1-amd64").ok());

    auto bytes = read_file_bytes(t.path / "mh_x.ko");
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto view = elf::ElfView::parse(*bytes);
    ASSERT_TRUE(view.ok()) << view.error().message;
    EXPECT_EQ(view->header().type, elf::kEtRel);
    auto modinfo = elf::read_modinfo(*view);
    ASSERT_TRUE(modinfo.ok()) << modinfo.error().message;
    EXPECT_EQ(elf::modinfo_value(*modinfo, "name").value_or("?"), "mh_x");
    EXPECT_EQ(elf::modinfo_value(*modinfo, "license").value_or("?"), "GPL");
    EXPECT_EQ(elf::modinfo_value(*modinfo, "vermagic").value_or("?"), "6.1.0-1-amd64 SMP ");
    EXPECT_FALSE(elf::modinfo_value(*modinfo, "nam").has_value());
    EXPECT_TRUE(view->find_section(".gnu.linkonce.this_module").has_value());
    auto bss = view->find_section(".bss");
    ASSERT_TRUE(bss.has_value());
    EXPECT_EQ(view->section(*bss).type, elf::kShtNobits);
}

TEST(SeedVerify, BrokenBytesAreErrorsNotCrashes) {
    host::testing::TempDir t("mh-seeds");
    const SeedSpec ok{"ok", "ok", "mh_ok", 0};
    auto verify = [&](const std::string& bytes) {
        write_file(t.path / "broken.ko", bytes);
        return verify_seed_module(t.path / "broken.ko", ok, "");
    };
    EXPECT_FALSE(verify("").ok());
    EXPECT_FALSE(verify(std::string(64, '\0')).ok());
    std::string h(64, '\0');
    h[0] = 0x7f, h[1] = 'E', h[2] = 'L', h[3] = 'F', h[4] = 2, h[5] = 1;
    h[0x3a] = 64;  // e_shentsize
    h[0x3c] = 10;  // e_shnum, but no table
    h[0x28] = 0x40;  // e_shoff at the end
    auto f = verify(h);
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.error().message.find("section header table"), std::string::npos) << f.error().message;
    h[4] = 1;  // ELFCLASS32
    EXPECT_FALSE(verify(h).ok());
    EXPECT_FALSE(verify_seed_module("/nonexistent/x.ko", ok, "").ok());
}

TEST(SeedBuild, NoBuildTreeIsAClearError) {
    Kernel k;
    k.name = "/tmp/bzImage";
    k.release = "6.13.0";
    auto s = build_seed_modules(k, {"ok"}, false);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("--build-tree"), std::string::npos);
}

// Real kbuild builds, when a Debian kernel is already in the cache (no network in unit tests).
class SeedBuildWithKernel : public ::testing::Test {
protected:
    void SetUp() override {
        auto k = resolve_kernel(std::string(kDefaultKernel), /*fetch=*/false);
        if (!k || k->build_tree.empty()) GTEST_SKIP() << "no cached " << kDefaultKernel << " (modharness kernel fetch)";
        kernel_ = *k;
        setenv("MH_CACHE_DIR", cache_.path.c_str(), 1);  // build into a scratch cache
    }
    void TearDown() override { unsetenv("MH_CACHE_DIR"); }
    host::testing::TempDir cache_{"mh-seeds"};
    Kernel kernel_;
};

TEST_F(SeedBuildWithKernel, BuildsVerifiesCachesAndRebuildsOnEdit) {
    host::testing::TempDir src("mh-seeds");
    fs::copy(corpus_modules_dir(), src.path, fs::copy_options::recursive);
    SeedBuildOptions o;
    o.source_root = src.path;
    auto set = build_seed_modules(kernel_, {"ok", "big_64k"}, o);
    ASSERT_TRUE(set.ok()) << set.error().message;
    ASSERT_EQ(set->modules.size(), 2u);
    const fs::path ok_ko = set->modules.at("ok");
    EXPECT_EQ(ok_ko.filename(), "mh_ok.ko");
    EXPECT_EQ(set->dir, cache_.path / "seeds" / kernel_.release);
    EXPECT_EQ(set->modules.at("big_64k").filename(), "mh_big_64k.ko");
    EXPECT_GT(fs::file_size(set->modules.at("big_64k")), 64u << 10);

    auto mtime = fs::last_write_time(ok_ko);
    auto again = build_seed_modules(kernel_, {"ok"}, o);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->modules.at("ok"), ok_ko);
    EXPECT_EQ(fs::last_write_time(ok_ko), mtime);

    std::ofstream(src.path / "ok/mh_ok.c", std::ios::app) << "/* edited */\n";
    auto edited = build_seed_modules(kernel_, {"ok"}, o);
    ASSERT_TRUE(edited.ok()) << edited.error().message;
    EXPECT_NE(edited->modules.at("ok"), ok_ko);
    EXPECT_FALSE(fs::exists(ok_ko.parent_path()));  // stale build removed

    std::ofstream(src.path / "ok/mh_ok.c", std::ios::app) << "this is not C;\n";
    auto broken = build_seed_modules(kernel_, {"ok"}, o);
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.error().message.find("error"), std::string::npos) << broken.error().message;
    EXPECT_NE(broken.error().message.find("mh_ok.c"), std::string::npos);
}

}  // namespace
