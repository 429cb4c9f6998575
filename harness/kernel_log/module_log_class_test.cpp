// Module log classes: table rows classify their own kernel texts; boot noise stays unclassified.
#include "harness/kernel_log/module_log_class.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mh::kernel_log {
namespace {

TEST(ModuleLogClass, BriefExamples) {
    EXPECT_EQ(classify_module_log_line("[    1.405300] Invalid ELF header magic: != \x7f"
                                       "ELF"),
              "elf-magic");
    EXPECT_EQ(classify_module_log_line("[ 1.4] module: x86/modules: Skipping invalid relocation target, existing value is "
                                       "nonzero for type 1, loc 00000000a1b2c3d4, val ffffffffc0002000"),
              "reloc-target-nonzero");
    EXPECT_EQ(classify_module_log_line("x86/modules: Invalid relocation target, existing value is nonzero for type 2"),
              "reloc-target-nonzero");
    EXPECT_EQ(classify_module_log_line("fuzzmod: Unknown symbol mh_missing_symbol (err -2)"), "unknown-symbol");
    EXPECT_EQ(classify_module_log_line("fuzzmod: disagrees about version of symbol module_layout"), "symbol-crc");
    EXPECT_EQ(classify_module_log_line("fuzzmod: version magic '6.1.0-26-amd64 SMP' should be '6.1.0-27-amd64 SMP'"), "vermagic");
    EXPECT_EQ(classify_module_log_line("fuzzmod: module verification failed: signature and/or required key missing - "
                                       "tainting kernel"),
              "sig-unsigned-taint");
}

TEST(ModuleLogClass, VersionSpecificTextsShareAClass) {
    // 6.1 and 6.12 word the missing .gnu.linkonce.this_module check differently.
    EXPECT_EQ(classify_module_log_line("fuzzmod: No module found in object"), "this-module-missing");
    EXPECT_EQ(classify_module_log_line("module fuzzmod: Exactly one .gnu.linkonce.this_module section must exist."), "this-module-missing");
    EXPECT_EQ(classify_module_log_line("Invalid module architecture in ELF header: 62"), "elf-module-arch");
    EXPECT_EQ(classify_module_log_line("Invalid architecture in ELF header: 3"), "elf-arch");
    EXPECT_EQ(classify_module_log_line("Loading of unsigned module is rejected"), "sig-rejected-unsigned");
    EXPECT_EQ(classify_module_log_line("Module hash 0123abcd is blacklisted"), "sig-hash-blacklisted");
    EXPECT_EQ(classify_module_log_line("Module fuzzmod is blacklisted"), "blacklisted");
    EXPECT_EQ(classify_module_log_line("fuzzmod: module license 'Proprietary' taints kernel."), "license-taint");
}

TEST(ModuleLogClass, CrashLinesAndNoise) {
    EXPECT_EQ(classify_module_log_line("[ 1.0] BUG: unable to handle page fault for address: ffffc900001a7ff0"), "kernel-oops");
    EXPECT_EQ(classify_module_log_line("[ 1.0] WARNING: CPU: 0 PID: 1 at kernel/module/main.c:1 f+0x1/0x2"), "kernel-warning");
    EXPECT_EQ(classify_module_log_line("[ 1.0] Run /init as init process"), "");
    EXPECT_EQ(classify_module_log_line(""), "");
    EXPECT_EQ(classify_module_log_line(std::string(100000, '\0')), "");
}

TEST(ModuleLogClass, EveryRowClassifiesItsOwnText) {
    std::set<std::string> classes;
    for (const ModuleLogPattern& p : module_log_patterns()) {
        std::string line = "[    2.000000] fuzzmod: " + std::string(p.needle);
        if (!p.also.empty()) line += " x" + std::string(p.also);
        std::string got = classify_module_log_line(line);
        // First match wins: the class is this row's or that of an earlier, more specific row.
        EXPECT_FALSE(got.empty()) << p.needle;
        bool earlier_or_same = false;
        for (const ModuleLogPattern& q : module_log_patterns()) {
            if (q.log_class == got) earlier_or_same = true;
            if (&q == &p) break;
        }
        EXPECT_TRUE(earlier_or_same) << p.needle << " -> " << got;
        EXPECT_EQ(got, p.log_class) << p.needle;
        for (char c : p.log_class) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << p.log_class;
        EXPECT_FALSE(p.source.empty());
        classes.insert(std::string(p.log_class));
    }
    EXPECT_GE(classes.size(), 60u);
}

}  // namespace
}  // namespace mh::kernel_log
