// Module log classes: table rows classify their own kernel texts; every line of the committed
// baselines gets a class; each class has one role.
#include "harness/kernel_log/module_log_class.h"

#include <gtest/gtest.h>

#include <map>
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
        std::string line = (p.at_start ? "[    2.000000] " : "[    2.000000] fuzzmod: ") + std::string(p.needle);
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

// Every kind of line the 6.1 and 6.12 cloud baselines recorded without a class (issue #19),
// verbatim from conformance/baselines/*/conformance.json, with the class and role it has now.
TEST(ModuleLogClass, LinesFromTheBaselinesThatHadNoClass) {
    struct Want {
        const char* line;
        const char* log_class;
        LogRole role;
    };
    const Want wants[] = {
        // mal-this-module-duplicate-* on 6.1: PASS, yet with a sysfs complaint and a stack dump.
        {"sysfs: cannot create duplicate filename '/module/mh_sentinel/sections/.gnu.linkonce.this_module'", "sysfs-duplicate",
         LogRole::kNotice},
        {"CPU: 0 PID: 80 Comm: init Tainted: G           OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2", "stack-dump",
         LogRole::kNotice},
        {"CPU: 0 UID: 0 PID: 127 Comm: init Not tainted 6.12.117+deb12-cloud-amd64 #1  Debian 6.12.117-1~deb12u1", "stack-dump",
         LogRole::kNotice},
        {"Tainted: [F]=FORCED_MODULE, [O]=OOT_MODULE, [E]=UNSIGNED_MODULE", "stack-dump", LogRole::kNotice},
        {"Call Trace:", "stack-dump", LogRole::kNotice},
        {" <TASK>", "stack-frame", LogRole::kDetail},
        {" dump_stack_lvl+0x44/0x5c", "stack-frame", LogRole::kDetail},
        {" ? __do_sys_init_module+0x17f/0x1b0", "stack-frame", LogRole::kDetail},
        {" mh_sentinel_init+0xf/0x1000 [mh_sentinel]", "stack-frame", LogRole::kDetail},
        {"[<ffffffffc05ac000>] 0xffffffffc05ac000", "stack-frame", LogRole::kDetail},
        {"RIP: 0033:0x56c8e9", "stack-regs", LogRole::kDetail},
        {"RSP: 002b:00007ffd7897ae08 EFLAGS: 00000246 ORIG_RAX: 00000000000000af", "stack-regs", LogRole::kDetail},
        {"FS:  0000000000000000(0000) GS:ffff88803ec00000(0000) knlGS:0000000000000000", "stack-regs", LogRole::kDetail},
        {"Code: ff ff c3 66 2e 0f 1f 84 00 00 00 00 00 0f 1f 40 00 48 89 f8 <48> 3d 01 f0 ff ff", "stack-regs", LogRole::kDetail},
        {" </TASK>", "stack-frame", LogRole::kDetail},
        // WARNs with their text before the WARNING line, and the lines around reports.
        {"kobject: ((____ptrval____)): attempted to be registered with empty name!", "kobject-empty-name", LogRole::kNotice},
        {"kobject_add_internal failed for mh_x with -EEXIST, don't try to register things with the same name in the same directory.",
         "kobject-add-failed", LogRole::kNotice},
        {"missing return thunk: 0xffffffffc05b300a-0x0: e9 f1 cf a4 3f", "missing-return-thunk", LogRole::kNotice},
        {"detected buffer overflow in __fortify_strlen", "fortify-overflow", LogRole::kNotice},
        {"------------[ ftrace bug ]------------", "ftrace-bug", LogRole::kNotice},
        {"ftrace failed to modify ", "ftrace-bug", LogRole::kNotice},
        {" actual:   e8:fb:3f:a5:3f", "ftrace-bug", LogRole::kNotice},
        {" expected: e8:2b:f7:ab:dd", "ftrace-bug", LogRole::kNotice},
        {"Initializing ftrace call sites", "ftrace-bug", LogRole::kNotice},
        {"ftrace record flags: 2000000", "ftrace-bug", LogRole::kNotice},
        {" (0)  \\x0a expected tramp: ffffffff9e06b740", "ftrace-bug", LogRole::kNotice},
        {"Spectre V2 : System may be vulnerable to spectre v2", "spectre-v2-module", LogRole::kNotice},
        {"------------[ cut here ]------------", "report-detail", LogRole::kDetail},
        {"#PF: supervisor instruction fetch in kernel mode", "report-detail", LogRole::kDetail},
        {"PGD 373e5067 P4D 373e5067 PUD 373e1067 PMD 0 ", "report-detail", LogRole::kDetail},
        {"PGD 359de067 P4D 359de067 PUD 0 ", "report-detail", LogRole::kDetail},
        {"note: init[102] exited with irqs disabled", "report-detail", LogRole::kDetail},
        // warn_alloc's memory summary after a failed vmalloc (f11-sparse-1g), and 6.12's execmem.
        {"Mem-Info:", "mem-info", LogRole::kDetail},
        {"active_anon:333 inactive_anon:5668 isolated_anon:0\\x0a active_file:0", "mem-info", LogRole::kDetail},
        {"Node 0 DMA free:15232kB boost:0kB min:716kB low:892kB high:1068kB", "mem-info", LogRole::kDetail},
        {"Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 1*128kB (U) 1*256kB (U) = 15232kB", "mem-info", LogRole::kDetail},
        {"Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB", "mem-info", LogRole::kDetail},
        {"lowmem_reserve[]: 0 927 927 927 927", "mem-info", LogRole::kDetail},
        {"5947 total pagecache pages", "mem-info", LogRole::kDetail},
        {"0 pages in swap cache", "mem-info", LogRole::kDetail},
        {"Free swap  = 0kB", "mem-info", LogRole::kDetail},
        {"Total swap = 0kB", "mem-info", LogRole::kDetail},
        {"262046 pages RAM", "mem-info", LogRole::kDetail},
        {"0 pages HighMem/MovableOnly", "mem-info", LogRole::kDetail},
        {"12857 pages reserved", "mem-info", LogRole::kDetail},
        {"0 pages hwpoisoned", "mem-info", LogRole::kDetail},
        {"execmem: unable to allocate memory", "execmem-fail", LogRole::kCheck},
        {"Disabling lock debugging due to kernel taint", "lockdep-off-taint", LogRole::kTaint},
        // Not about the input.
        {"clocksource: tsc: mask: 0xffffffffffffffff max_cycles: 0x257a3a7b45f, max_idle_ns: 440795312762 ns", "clocksource",
         LogRole::kNoise},
        {"clocksource: Switched to clocksource tsc", "clocksource", LogRole::kNoise},
        {"mh_params: ival=0 sval=default bval=0 ret=-5", "seed-output", LogRole::kNoise},
        {"mh_params: unloaded", "seed-output", LogRole::kNoise},
        {"mh_ok: loaded", "seed-output", LogRole::kNoise},
        {"mh_params: `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "param-message-cut", LogRole::kNoise},
    };
    for (const Want& w : wants) {
        LogClass c = classify_module_log(w.line);
        EXPECT_EQ(c.name, w.log_class) << w.line;
        EXPECT_EQ(c.role, w.role) << w.line;
        EXPECT_EQ(classify_module_log_line(std::string("[   12.345678] ") + w.line), w.log_class) << w.line;
    }
    // The rows above them still win: the loader's own lines about a seed module.
    EXPECT_EQ(classify_module_log_line("mh_sentinel: loading out-of-tree module taints kernel."), "oot-taint");
    EXPECT_EQ(classify_module_log_line("mh_params: `abc' invalid for parameter `ival'"), "param-invalid");
    EXPECT_EQ(classify_module_log_line("mh_params: `99' too large for parameter `sval'"), "param-too-large");
    // Crash openers keep their kernel-<kind> class and the check role.
    EXPECT_EQ(classify_module_log("WARNING: CPU: 0 PID: 80 at lib/kobject.c:219 kobject_add_internal+0x241/0x260").role, LogRole::kCheck);
    // Short needles only at the start: "CPU: " inside other text is not a stack dump header.
    EXPECT_EQ(classify_module_log_line("fuzzmod: CPU: 0 Comm: x"), "");
}

// A class means one thing: every row of a class has the same role.
TEST(ModuleLogClass, EachClassHasOneRole) {
    std::map<std::string, LogRole> role;
    for (const ModuleLogPattern& p : module_log_patterns()) {
        auto [it, inserted] = role.emplace(std::string(p.log_class), p.role);
        EXPECT_EQ(it->second, p.role) << p.log_class << " (" << p.needle << ")";
        if (p.role == LogRole::kTaint) {
            EXPECT_TRUE(p.log_class.ends_with("-taint")) << p.log_class;
        }
    }
}

}  // namespace
}  // namespace mh::kernel_log
