// Case log summaries from the kmsg of real baseline cases: which class speaks for the case and
// which notices (stack dumps, sysfs complaints) come with it.
#include "harness/kernel_log/case_log.h"

#include <gtest/gtest.h>

namespace mh::kernel_log {
namespace {

using Notes = std::vector<std::string>;

// mal-this-module-duplicate-init on debian-6.1-cloud: PASS (the sentinel's errno), log class ""
// until issue #19, though the kernel complained and dumped its stack.
constexpr const char* kDuplicateThisModule =
    "mh_sentinel: loading out-of-tree module taints kernel.\n"
    "mh_sentinel: module verification failed: signature and/or required key missing - tainting kernel\n"
    "sysfs: cannot create duplicate filename '/module/mh_sentinel/sections/.gnu.linkonce.this_module'\n"
    "CPU: 0 PID: 80 Comm: init Tainted: G           OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2\n"
    "Call Trace:\n"
    " <TASK>\n"
    " dump_stack_lvl+0x44/0x5c\n"
    " sysfs_warn_dup.cold+0x17/0x23\n"
    " sysfs_add_bin_file_mode_ns+0x9b/0xc0\n"
    " internal_create_group+0x1ca/0x3a0\n"
    " mod_sysfs_setup+0x4f2/0x700\n"
    " load_module+0x1f55/0x21a0\n"
    " ? __do_sys_init_module+0x17f/0x1b0\n"
    " __do_sys_init_module+0x17f/0x1b0\n"
    " do_syscall_64+0x5d/0x90\n"
    " entry_SYSCALL_64_after_hwframe+0x6e/0xd8\n"
    "RIP: 0033:0x56c8e9\n"
    "Code: ff ff c3 66 2e 0f 1f 84 00 00 00 00 00 0f 1f 40 00 48 89 f8 48 89 f7 48 89 d6 48 89 ca <48> 3d 01 f0\n"
    "RSP: 002b:00007ffd7897ae08 EFLAGS: 00000246 ORIG_RAX: 00000000000000af\n"
    "RAX: ffffffffffffffda RBX: 000000002f8463b8 RCX: 000000000056c8e9\n"
    " </TASK>";

TEST(CaseLog, PassWithAStackDumpHasNotesAndAClass) {
    CaseLog c = summarize_case_log(kDuplicateThisModule);
    EXPECT_EQ(c.log_class, "sysfs-duplicate") << "no check line: the first notice speaks for the case";
    EXPECT_EQ(c.notes, (Notes{"sysfs-duplicate", "stack-dump"}));
}

// w3-returns-positive (6.12): the loader's check line stays the class; the dump is a notice.
TEST(CaseLog, CheckLineWinsOverNotices) {
    CaseLog c = summarize_case_log(
        "mh_params: ival=0 sval=default bval=0 ret=1\n"
        "do_init_module: 'mh_params'->init suspiciously returned 1, it should follow 0/-E convention\\x0ado_init_module: "
        "loading module anyway...\n"
        "CPU: 0 UID: 0 PID: 212 Comm: init Tainted: GF          OE      6.12.117+deb12-cloud-amd64 #1  Debian 6.12.117-1~deb12u1\n"
        "Tainted: [F]=FORCED_MODULE, [O]=OOT_MODULE, [E]=UNSIGNED_MODULE\n"
        "Call Trace:\n"
        " <TASK>\n"
        " dump_stack_lvl+0x64/0x80\n"
        " do_init_module+0x8e/0x270\n"
        " </TASK>");
    EXPECT_EQ(c.log_class, "init-positive-return");
    EXPECT_EQ(c.notes, (Notes{"stack-dump"}));
}

// f11-sparse-1g: warn_alloc's "vmalloc error" (a check) with its stack dump and memory summary.
TEST(CaseLog, AllocationWarningWithoutTaint) {
    CaseLog c = summarize_case_log(
        "init: vmalloc error: size 1073741824, exceeds total pages, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0\n"
        "CPU: 0 PID: 130 Comm: init Tainted: G           OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2\n"
        "Call Trace:\n"
        " <TASK>\n"
        " dump_stack_lvl+0x44/0x5c\n"
        " warn_alloc+0x151/0x170\n"
        " </TASK>\n"
        "Mem-Info:\n"
        "262046 pages RAM");
    EXPECT_EQ(c.log_class, "vmalloc-fail");
    EXPECT_EQ(c.notes, (Notes{"stack-dump"}));
}

// A WARN's report: the crash opener stays the class; its text and dump are notices.
TEST(CaseLog, WarnKeepsItsKernelClass) {
    CaseLog c = summarize_case_log(
        "------------[ cut here ]------------\n"
        "kobject: ((____ptrval____)): attempted to be registered with empty name!\n"
        "WARNING: CPU: 0 PID: 84 at lib/kobject.c:210 kobject_add_internal+0x241/0x260\n"
        "Modules linked in: (OE+)\n"
        "CPU: 0 PID: 80 Comm: init Tainted: G           OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2\n"
        "RIP: 0010:kobject_add_internal+0x241/0x260\n"
        "Call Trace:\n"
        " <TASK>\n"
        " kobject_add+0x7e/0xb0\n"
        "---[ end trace 0000000000000000 ]---");
    EXPECT_EQ(c.log_class, "kernel-warning");
    EXPECT_EQ(c.notes, (Notes{"kobject-empty-name", "stack-dump"}));
}

// Taint notices, boot noise and the seed module's own lines speak for nothing.
TEST(CaseLog, TaintNoiseAndUnknownLinesGiveNothing) {
    CaseLog c = summarize_case_log(
        "mh_ok: loading out-of-tree module taints kernel.\n"
        "Disabling lock debugging due to kernel taint\n"
        "clocksource: Switched to clocksource tsc\n"
        "mh_ok: loaded\n"
        "mh_ok: unloaded\n"
        "something nobody classified\n");
    EXPECT_EQ(c.log_class, "");
    EXPECT_TRUE(c.notes.empty());
    EXPECT_EQ(summarize_case_log("").log_class, "");
}

}  // namespace
}  // namespace mh::kernel_log
