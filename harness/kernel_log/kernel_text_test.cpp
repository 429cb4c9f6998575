// Kernel text helpers: printk prefixes, symbol names, RIP lines, stack frames, sanitising.
#include "harness/kernel_log/kernel_text.h"

#include <gtest/gtest.h>

namespace mh::kernel_log {
namespace {

TEST(KernelText, StripPrefix) {
    EXPECT_EQ(strip_console_prefix("[   12.345678] BUG: x"), "BUG: x");
    EXPECT_EQ(strip_console_prefix("[   65.899519][ T6734] general"), "general");
    EXPECT_EQ(strip_console_prefix("[ 1098.702519][    C1] NMI backtrace"), "NMI backtrace");
    EXPECT_EQ(strip_console_prefix("[   65.949862][ T6734]  genl+0x1/0x2"), " genl+0x1/0x2");
    EXPECT_EQ(strip_console_prefix("<4>[    1.0] WARNING: x"), "WARNING: x");
    EXPECT_EQ(strip_console_prefix("6,1234,5678901,-;Oops: 0000"), "Oops: 0000");
    EXPECT_EQ(strip_console_prefix("6,1234,5678901,-,caller=T1;Oops"), "Oops");
    EXPECT_EQ(strip_console_prefix("syzkaller login: [   30.021137][   T81] usb 1-1"), "usb 1-1");
    EXPECT_EQ(strip_console_prefix("no prefix"), "no prefix");
    EXPECT_EQ(strip_console_prefix("[not a ts] x"), "[not a ts] x");
    EXPECT_EQ(strip_console_prefix("["), "[");
}

TEST(KernelText, CleanLine) {
    std::string out;
    clean_line(std::string_view("\0\0ab\r\rc\r", 9), out);
    EXPECT_EQ(out, "abc");
}

TEST(KernelText, Symbols) {
    EXPECT_EQ(symbol_name("strlen+0x0/0x20"), "strlen");
    EXPECT_EQ(symbol_name("nl802154_add_llsec_key.isra.0+0x1f7/0x560"), "nl802154_add_llsec_key");
    EXPECT_EQ(symbol_name("__kasan_kmalloc.constprop.0"), "__kasan_kmalloc");
    EXPECT_EQ(symbol_name("0x465b29"), "");
    EXPECT_EQ(symbol_name(""), "");
}

TEST(KernelText, IpLines) {
    EXPECT_EQ(ip_function("RIP: 0010:strlen+0x0/0x20"), "strlen");
    EXPECT_EQ(ip_function("RIP: 0010:__flush_work+0x740/0x880 kernel/workqueue.c:2911"), "__flush_work");
    EXPECT_EQ(ip_function("RIP: 0010:[<ffffffff82d4e304>]  [<ffffffff82d4e304>] __memset+0x24/0x30"), "__memset");
    EXPECT_EQ(ip_function("IP: [<ffffffff82d4e304>] __memset+0x24/0x30"), "__memset");
    EXPECT_EQ(ip_function("pc : do_thing+0x10/0x20"), "do_thing");
    EXPECT_EQ(ip_function("RIP: 0033:0x465b29"), "");
    EXPECT_EQ(ip_function("RIP: 0010:0x0"), "");
    EXPECT_EQ(ip_function("RIP: 0023:0xf7f3dcb9"), "");
    EXPECT_EQ(ip_function("RSP: 0018:ffff"), "");
    EXPECT_TRUE(is_ip_line("RIP: 0033:0x1"));
    EXPECT_FALSE(is_ip_line("RSP: 0018:ffff"));
}

TEST(KernelText, Frames) {
    EXPECT_EQ(frame_function(" genl_rcv_msg+0x328/0x580"), "genl_rcv_msg");
    EXPECT_EQ(frame_function("  __x64_sys_finit_module+0x5e/0xb0 [fuzzmod]"), "__x64_sys_finit_module");
    EXPECT_EQ(frame_function(" ? usb_submit_urb+0x1090/0x1460"), "");
    EXPECT_EQ(frame_function(" [<ffffffff8152dedc>] smp_call_function_single+0x26c/0x330"), "smp_call_function_single");
    EXPECT_EQ(frame_function(" [<ffffffff815bcdb1>] ? __sanitizer_cov_trace_pc+0x21/0x60"), "");
    EXPECT_EQ(frame_function("[<8043e8d8>] (mpage_prepare_extent_to_map) from [<80447148>] (ext4+0x4/0x8)"), "mpage_prepare_extent_to_map");
    EXPECT_EQ(frame_function(" __dump_stack lib/dump_stack.c:77 [inline]"), "__dump_stack");
    EXPECT_EQ(frame_function(" __switch_to+0x2b0/0x6e0 (T)"), "__switch_to");
    EXPECT_EQ(frame_function("Call Trace:"), "");
    EXPECT_EQ(frame_function(" <TASK>"), "");
    EXPECT_EQ(frame_function("RIP: 0010:strlen+0x0/0x20"), "");
}

// Lines of the 6.1 and 6.12 cloud baselines' dumps (conformance/baselines/*/conformance.json).
TEST(KernelText, StackTraceAndRegisterDumpLines) {
    for (const char* line : {" dump_stack_lvl+0x44/0x5c", " sysfs_warn_dup.cold+0x17/0x23", " ? __do_sys_init_module+0x17f/0x1b0",
                             " mh_sentinel_init+0xf/0x1000 [mh_sentinel]", " <TASK>", " </TASK>", " <IRQ>",
                             "[<ffffffffc05ac000>] 0xffffffffc05ac000", " __dump_stack lib/dump_stack.c:77 [inline]"})
        EXPECT_TRUE(is_stack_trace_line(line)) << line;
    for (const char* line : {"Call Trace:", "mh_params: ival=0 sval=default bval=0 ret=-5", "<>", " <task>", "Mem-Info:",
                             "RIP: 0010:kobject_add_internal+0x280/0x2a0", "sysfs: cannot create duplicate filename '/module/x'"})
        EXPECT_FALSE(is_stack_trace_line(line)) << line;
    for (const char* line : {"RIP: 0010:kobject_add_internal+0x280/0x2a0", "RIP: 0033:0x56c8e9",
                             "RSP: 002b:00007ffd7897ae08 EFLAGS: 00000246 ORIG_RAX: 00000000000000af",
                             "RAX: ffffffffffffffda RBX: 000000002f8463b8 RCX: 000000000056c8e9",
                             "R13: 00007f1dbbc7cfff R14: 00007f1dbbc7cfff R15: 00007ffd7897ae80",
                             "FS:  0000000000000000(0000) GS:ffff88803ec00000(0000) knlGS:0000000000000000",
                             "CR2: ffffffffc05b300a CR3: 000000000239a000 CR4: 00000000000006f0", "CR2: 0000000000000008",
                             "Code: Unable to access opcode bytes at 0x56c8bf.", "Code: ff ff c3 66 2e 0f 1f 84 00 <48> 3d 01 f0"})
        EXPECT_TRUE(is_register_dump_line(line)) << line;
    for (const char* line : {" dump_stack_lvl+0x44/0x5c", "Call Trace:", "RIPE: 1", "Codes: x", "mh_ok: loaded"})
        EXPECT_FALSE(is_register_dump_line(line)) << line;
}

TEST(KernelText, Sanitize) {
    EXPECT_EQ(sanitize_message("stack-protector: Kernel stack is corrupted in: load_module+0x2a1b/0x2a50"),
              "stack-protector: Kernel stack is corrupted in: load_module");
    EXPECT_EQ(sanitize_message("at ffffffff81234567 and 0xffff888003a1c0f8 x"), "at ADDR and ADDR x");
    EXPECT_EQ(sanitize_message("exitcode=0x0000000b"), "exitcode=0x0000000b");
    EXPECT_EQ(sanitize_message("a\x01\xff  b\t c  "), "a?? b c");
    EXPECT_LE(sanitize_message(std::string(10000, 'x')).size(), kMaxTitleBytes);
}

}  // namespace
}  // namespace mh::kernel_log
