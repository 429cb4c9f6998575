// Unit tests for the fuzzing kernel's pure parts: fragment, config hash, Makefile edit, checks, site counting.
#include "harness/kernels/fuzz_kernel.h"

#include <gtest/gtest.h>

#include "harness/common/files.h"
#include "harness/kernels/kernel_tree.h"

namespace mh::kernels {
namespace {

constexpr const char* kModuleMakefile =
    "# SPDX-License-Identifier: GPL-2.0-only\n"
    "# These are called from save_stack_trace() on slub debug path,\n"
    "# and produce insane amounts of uninteresting coverage.\n"
    "KCOV_INSTRUMENT_main.o := n\n"
    "\n"
    "obj-y += main.o\n"
    "obj-$(CONFIG_MODULE_SIG) += signing.o\n";

TEST(FuzzKernel, RemovesTheMainExclusionOnly) {
    auto edit = remove_kcov_exclusion(kModuleMakefile);
    ASSERT_TRUE(edit.ok()) << edit.error().message;
    EXPECT_TRUE(edit->changed);
    EXPECT_EQ(edit->text.find("KCOV_INSTRUMENT_main.o := n\n"), std::string::npos);
    EXPECT_NE(edit->text.find("# modharness: 'KCOV_INSTRUMENT_main.o := n' removed"), std::string::npos);
    EXPECT_NE(edit->text.find("obj-y += main.o\n"), std::string::npos);
    EXPECT_NE(edit->text.find("obj-$(CONFIG_MODULE_SIG) += signing.o\n"), std::string::npos);
    // Every other line is kept byte for byte.
    const std::string orig = kModuleMakefile;
    const std::size_t cut = orig.find("KCOV_INSTRUMENT");
    const std::string head = orig.substr(0, cut);
    const std::string tail = orig.substr(orig.find('\n', cut) + 1);
    EXPECT_EQ(edit->text.substr(0, head.size()), head);
    EXPECT_EQ(edit->text.substr(edit->text.size() - tail.size()), tail);
}

TEST(FuzzKernel, MakefileEditIsIdempotent) {
    auto first = remove_kcov_exclusion(kModuleMakefile);
    ASSERT_TRUE(first.ok());
    auto second = remove_kcov_exclusion(first->text);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_FALSE(second->changed);
    EXPECT_EQ(second->text, first->text);
}

TEST(FuzzKernel, MakefileWithoutTheLineIsAnError) {
    auto edit = remove_kcov_exclusion("obj-y += main.o\n");
    ASSERT_FALSE(edit.ok());
    EXPECT_NE(edit.error().message.find("KCOV_INSTRUMENT_main.o := n"), std::string::npos);
}

TEST(FuzzKernel, MakefileTrailingSpaceAndNoFinalNewline) {
    auto edit = remove_kcov_exclusion("obj-y += x.o\nKCOV_INSTRUMENT_main.o := n  ");
    ASSERT_TRUE(edit.ok()) << edit.error().message;
    EXPECT_TRUE(edit->changed);
    EXPECT_EQ(edit->text.find("\nKCOV_INSTRUMENT"), std::string::npos);
    EXPECT_EQ(edit->text.rfind("obj-y += x.o\n", 0), 0u);
}

TEST(FuzzKernel, FragmentAddsVariantLines) {
    std::string plain = fuzz_fragment("CONFIG_KCOV=y", false);
    auto p = parse_kernel_config(plain);
    EXPECT_EQ(p["CONFIG_KCOV"], "y");
    EXPECT_EQ(p["CONFIG_LOCALVERSION"], "\"-mhfuzz\"");
    EXPECT_EQ(p["CONFIG_LOCALVERSION_AUTO"], "n");
    EXPECT_EQ(p.count("CONFIG_MODULE_SIG"), 0u);

    auto s = parse_kernel_config(fuzz_fragment("CONFIG_KCOV=y\n", true));
    EXPECT_EQ(s["CONFIG_MODULE_SIG"], "y");
    EXPECT_EQ(s["CONFIG_MODULE_SIG_FORCE"], "n");
    EXPECT_EQ(s["CONFIG_CRYPTO_SHA256"], "y");  // or correctly signed modules fail with ENOENT
    EXPECT_EQ(s["CONFIG_LOCALVERSION"], "\"-mhfuzz-sig\"");
}

TEST(FuzzKernel, ConfigHashSeparatesInputs) {
    const std::string frag = fuzz_fragment("CONFIG_KCOV=y\n", false);
    const std::string h = fuzz_config_hash(frag, "6.12.117-1~deb12u1 150000000 1700000000");
    EXPECT_EQ(h.size(), 16u);
    EXPECT_EQ(h, fuzz_config_hash(frag, "6.12.117-1~deb12u1 150000000 1700000000"));
    EXPECT_NE(h, fuzz_config_hash(frag, "6.12.118-1~deb12u1 150000000 1700000000"));
    EXPECT_NE(h, fuzz_config_hash(fuzz_fragment("CONFIG_KCOV=y\n", true), "6.12.117-1~deb12u1 150000000 1700000000"));
    EXPECT_NE(h, fuzz_config_hash(fuzz_fragment("CONFIG_KCOV=y\nCONFIG_KASAN=y\n", false), "6.12.117-1~deb12u1 150000000 1700000000"));
}

TEST(FuzzKernel, MismatchesNameWhatWasLost) {
    std::map<std::string, std::string> frag = {{"CONFIG_KCOV", "y"}, {"CONFIG_SLUB_TINY", "n"}, {"CONFIG_KASAN", "y"}, {"CONFIG_X", "n"}};
    std::map<std::string, std::string> cfg = {{"CONFIG_KCOV", "y"}, {"CONFIG_SLUB_TINY", "y"}};
    auto bad = config_mismatches(frag, cfg);
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_EQ(bad[0], "CONFIG_KASAN: wanted y, got (absent)");
    EXPECT_EQ(bad[1], "CONFIG_SLUB_TINY: wanted n, got y");
}

TEST(FuzzKernel, ShippedFragmentsHaveWhatTheFuzzerNeeds) {
    for (const auto& line : fuzz_lines()) {
        SCOPED_TRACE(line);
        auto fragment = read_text_file(default_fuzz_fragment_path(line));
        ASSERT_TRUE(fragment.ok()) << default_fuzz_fragment_path(line);
        auto cfg = parse_kernel_config(*fragment);
        for (const char* key : {"CONFIG_MODULES", "CONFIG_MODULE_UNLOAD", "CONFIG_KCOV", "CONFIG_KCOV_ENABLE_COMPARISONS", "CONFIG_KASAN",
                                "CONFIG_MODULE_DECOMPRESS", "CONFIG_MODULE_COMPRESS_XZ", "CONFIG_DEBUG_FS", "CONFIG_SERIAL_8250_CONSOLE",
                                "CONFIG_BLK_DEV_INITRD", "CONFIG_BINFMT_ELF", "CONFIG_DEBUG_INFO_DWARF5", "CONFIG_SYSVIPC"})
            EXPECT_EQ(cfg[key], "y") << key;
        EXPECT_EQ(cfg["CONFIG_MODVERSIONS"], "n");
        EXPECT_NE(cfg["CONFIG_SLUB_TINY"], "y");  // 6.1 has no such option
    }
}

TEST(FuzzKernel, EachLineHasItsOwnSourceAndNames) {
    auto old = fuzz_source("6.1");
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(old->name(), "fuzz-6.1");
    EXPECT_EQ(old->variant_name(true), "fuzz-6.1-sig");
    EXPECT_EQ(old->variant_name(false), "fuzz-6.1-nosig");
    EXPECT_EQ(old->package(), "linux-source-6.1");
    EXPECT_EQ(old->tarball(), "/usr/src/linux-source-6.1.tar.xz");
    EXPECT_EQ(old->tree_dir(), "linux-source-6.1");
    auto current = fuzz_source(kDefaultFuzzLine);
    ASSERT_TRUE(current.ok());
    EXPECT_EQ(current->name(), kFuzzKernelName);
    EXPECT_NE(default_fuzz_fragment_path("6.1"), default_fuzz_fragment_path("6.12"));
    auto unknown = fuzz_source("5.10");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, ErrorKind::kUsage);
    EXPECT_NE(unknown.error().message.find("known: 6.1, 6.12"), std::string::npos) << unknown.error().message;
}

TEST(FuzzKernel, CountsRelocatedCallSites) {
    const std::string dump =
        "       8:\te8 00 00 00 00       \tcall   d <modinfo_version_exists+0xd>\n"
        "\t\t\t9: R_X86_64_PLT32\t__sanitizer_cov_trace_pc-0x4\n"
        "      46:\te8 00 00 00 00       \tcall   4b <f+0xd>\n"
        "\t\t\t47: R_X86_64_PLT32\t__sanitizer_cov_trace_pc-0x4\n"
        "      50:\te8 00 00 00 00       \tcall   55 <f+0x17>\n"
        "\t\t\t51: R_X86_64_PLT32\t__sanitizer_cov_trace_cmp4-0x4\n"
        "      60:\te8 00 00 00 00       \tcall   65 <f+0x27>\n"
        "\t\t\t61: R_X86_64_PLT32\t__sanitizer_cov_trace_pc_guard-0x4\n"
        "; a comment naming __sanitizer_cov_trace_pc without a relocation\n"
        "\t\t\t99: R_X86_64_PLT32\t__sanitizer_cov_trace_pc\n";
    EXPECT_EQ(count_call_sites(dump, "__sanitizer_cov_trace_pc"), 3);
    EXPECT_EQ(count_call_sites(dump, "__sanitizer_cov_trace_cmp4"), 1);
    EXPECT_EQ(count_call_sites("", "__sanitizer_cov_trace_pc"), 0);
}

TEST(FuzzKernel, BuildInfoRoundTrips) {
    FuzzBuildInfo i;
    i.config_hash = "0123456789abcdef";
    i.signing = true;
    i.release = "6.12.117-mhfuzz-sig";
    i.build_seconds = 250.5;
    i.bzimage_bytes = 7u << 20;
    i.kcov_sites = {{"main.o", 694}, {"signing.o", 26}};
    auto back = fuzz_build_info_from_json(fuzz_build_info_to_json(i));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->config_hash, i.config_hash);
    EXPECT_TRUE(back->signing);
    EXPECT_EQ(back->release, i.release);
    EXPECT_EQ(back->kcov_sites, i.kcov_sites);
    EXPECT_EQ(back->kcov_sites_total(), 720);
    EXPECT_FALSE(fuzz_build_info_from_json("[1]").ok());
    EXPECT_FALSE(fuzz_build_info_from_json("{\"format\":2,\"config_hash\":\"x\"}").ok());
}

TEST(FuzzKernel, MissingSourceIsAClearErrorBeforeAnyWork) {
    FuzzBuildOptions o;
    o.tarball = "/nonexistent/linux-source-6.12.tar.xz";
    o.verbose = false;
    auto k = build_fuzz_kernel(o);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(k.error().message.find("'/nonexistent/linux-source-6.12.tar.xz' not found"), std::string::npos) << k.error().message;
}

TEST(FuzzKernel, UnknownLineIsAUsageErrorBeforeAnyWork) {
    FuzzBuildOptions o;
    o.line = "4.19";
    o.verbose = false;
    auto k = build_fuzz_kernel(o);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error().kind, ErrorKind::kUsage) << k.error().message;
}

TEST(FuzzKernel, MissingFragmentIsAClearError) {
    FuzzBuildOptions o;
    o.fragment = "/nonexistent/fuzz.config";
    o.verbose = false;
    auto k = build_fuzz_kernel(o);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(k.error().message.find("/nonexistent/fuzz.config"), std::string::npos) << k.error().message;
}

}  // namespace
}  // namespace mh::kernels
