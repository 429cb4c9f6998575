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
