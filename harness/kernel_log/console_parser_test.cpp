// Console parser unit tests: titles of single patterns, report boundaries, robustness on hostile input.
#include "harness/kernel_log/console_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "harness/common/files.h"

namespace mh::kernel_log {
namespace {

std::string only_title(std::string_view console) {
    std::vector<CrashReport> r = parse_console(console);
    if (r.size() != 1) return "<" + std::to_string(r.size()) + " reports>";
    return r[0].title;
}

TEST(ConsoleParser, EmptyAndBenignInputs) {
    EXPECT_TRUE(parse_console("").empty());
    EXPECT_TRUE(parse_console("\n\n\r\n").empty());
    EXPECT_TRUE(parse_console("[    1.0] vmalloc: allocation failure: 4294967296 bytes\n").empty());
    EXPECT_TRUE(
        parse_console("[    1.0] m: module verification failed: signature and/or required key missing - tainting kernel\n").empty());
    EXPECT_TRUE(parse_console("[    1.0] m: loading out-of-tree module taints kernel.\n").empty());
    EXPECT_TRUE(parse_console("[    1.0] Invalid ELF header magic: != \x7f"
                              "ELF\n")
                    .empty());
    EXPECT_TRUE(parse_console("[    1.0] WARNING: workqueue cpumask: online intersect > possible intersect\n").empty());
    EXPECT_TRUE(parse_console("[    1.0] ---[ end trace 0000000000000000 ]---\n").empty());
    EXPECT_TRUE(parse_console("user says BUG: not at line start\n").empty());
    EXPECT_TRUE(parse_console("[    1.0] INFO: task list follows\n").empty());
}

TEST(ConsoleParser, PanicTitles) {
    EXPECT_EQ(only_title("[   3.1] Kernel panic - not syncing: Fatal exception\n"), "Kernel panic - not syncing: Fatal exception");
    EXPECT_EQ(only_title("Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"),
              "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
    EXPECT_EQ(parse_console("Kernel panic - not syncing: x\n")[0].kind, CrashKind::Panic);
}

TEST(ConsoleParser, OopsTitlesUseRip) {
    EXPECT_EQ(only_title("[ 1.0] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
                         "[ 1.0] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
                         "[ 1.0] RIP: 0010:mod_sysfs_setup+0x12/0x300\n"),
              "BUG: kernel NULL pointer dereference in mod_sysfs_setup");
    // A call through NULL has no function in RIP: the title stays without " in".
    EXPECT_EQ(only_title("BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
                         "RIP: 0010:0x0\n"),
              "BUG: kernel NULL pointer dereference");
    EXPECT_EQ(only_title("general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] SMP KASAN\n"
                         "RIP: 0010:strlen+0x0/0x20\n"),
              "general protection fault in strlen");
    EXPECT_EQ(only_title("[ 1.0] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n[ 1.0] RIP: 0010:foo.cold+0x5/0x7\n"),
              "invalid opcode in foo");
    EXPECT_EQ(only_title("[ 1.0] Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n[ 1.0] RIP: 0010:bar+0x5/0x7\n"),
              "invalid opcode in bar");
    EXPECT_EQ(only_title("[ 1.0] Oops: 0000 [#1] SMP\n[ 1.0] RIP: 0010:baz+0x5/0x7 [fuzzmod]\n"), "Oops in baz");
    // 6.10+ die() strings that begin with hex letters are still re-matched, not bare headers.
    EXPECT_EQ(only_title("Oops: divide error: 0000 [#1] PREEMPT SMP NOPTI\nRIP: 0010:f+0x1/0x2\n"), "divide error in f");
    EXPECT_EQ(only_title("Oops: double fault: 0000 [#1] PREEMPT SMP NOPTI\nRIP: 0010:g+0x1/0x2\n"), "double fault in g");
    EXPECT_EQ(only_title("Oops: stack guard page: 0000 [#1] SMP\nRIP: 0010:h+0x1/0x2\n"), "stack guard page in h");
}

TEST(ConsoleParser, WarningTitles) {
    EXPECT_EQ(only_title("[ 1.0] WARNING: CPU: 0 PID: 1 at kernel/module/main.c:2493 move_module+0x2f1/0x3a0\n"), "WARNING in move_module");
    EXPECT_EQ(only_title("WARNING: at kernel/module.c:123 load_module()\n"), "WARNING in load_module");
    EXPECT_EQ(only_title("WARNING: CPU: 0 PID: 1 at kernel/module/main.c:12 0xffffffffc0001000\nRIP: 0010:0x0\n"),
              "WARNING in kernel/module/main.c");
    EXPECT_EQ(only_title("WARNING: kernel/module/main.c:2493 at move_module+0x2f1/0x3a0, CPU#0: mh-exec/76\n"), "WARNING in move_module");
}

TEST(ConsoleParser, BugTitles) {
    EXPECT_EQ(only_title("kernel BUG at kernel/module/main.c:1234!\n"), "kernel BUG at kernel/module/main.c");
    EXPECT_EQ(only_title("Kernel BUG at load_module+0x1c3a/0x2190 [verbose debug info unavailable]\n"), "kernel BUG in load_module");
    EXPECT_EQ(only_title("BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580\n"),
              "BUG: sleeping function called from invalid context");
    EXPECT_EQ(only_title("BUG: scheduling while atomic: mh-exec/74/0x00000002\n"), "BUG: scheduling while atomic");
    EXPECT_EQ(only_title("BUG: Bad page state in process mh-exec  pfn:03a1c\n"), "BUG: Bad page state");
    EXPECT_EQ(only_title("BUG: Bad rss-counter state mm:00000000a1b2c3d4 type:MM_FILEPAGES val:-1\n"), "BUG: Bad rss-counter state");
    EXPECT_EQ(only_title("BUG: using smp_processor_id() in preemptible [00000000] code: mh/1\n"),
              "BUG: using smp_processor_id() in preemptible");
    EXPECT_EQ(only_title("BUG: stack guard page was hit at 00000000a1b2c3d4 (stack is 0000..0000)\n"), "BUG: stack guard page was hit");
    EXPECT_EQ(only_title("BUG: KASAN: use-after-free in load_module+0x10/0x20\nWrite of size 8 at addr x\n"),
              "KASAN: use-after-free Write in load_module");
    EXPECT_EQ(only_title("BUG: KASAN: double-free in free_module+0x10/0x20\nFree of addr ffff\n"), "KASAN: double-free in free_module");
}

TEST(ConsoleParser, LockupHangAndStallTitles) {
    EXPECT_EQ(only_title("[ 22.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [mh-exec:77]\n"
                         "[ 22.0] RIP: 0010:simplify_symbols+0x9c/0x2f0\n"),
              "BUG: soft lockup in simplify_symbols");
    EXPECT_EQ(only_title("INFO: task mh-exec:91 blocked for more than 120 seconds.\n"
                         " __schedule+0x1/0x2\n schedule+0x1/0x2\n __mutex_lock.constprop.0+0x1/0x2\n"
                         " load_module+0x1/0x2\n"),
              "INFO: task hung in load_module");
    EXPECT_EQ(only_title("INFO: task mh-exec:91 blocked for more than 120 seconds.\n"), "INFO: task hung");
    EXPECT_EQ(only_title("rcu: INFO: rcu_sched self-detected stall on CPU\n <IRQ>\n tick_sched_timer+0x1/0x2\n"
                         " </IRQ>\n layout_symtab+0x1/0x2\n"),
              "INFO: rcu detected stall in layout_symtab");
    EXPECT_EQ(parse_console("INFO: rcu_preempt detected stalls on CPUs/tasks:\n")[0].kind, CrashKind::RcuStall);
}

TEST(ConsoleParser, EveryPatternRowHasAnExample) {
    // One line per kPatterns row not covered elsewhere: each must reach its own row (no row
    // is shadowed by an earlier, more general one). RIP lines supply the function.
    struct Case {
        const char* log;
        CrashKind kind;
        const char* title;
    };
    const Case cases[] = {
        {"BUG: KFENCE: use-after-free read in fuzz_free+0x1/0x2\n", CrashKind::Other, "KFENCE: use-after-free read in fuzz_free"},
        {"BUG: unable to handle kernel NULL pointer dereference at 0000000000000010\nRIP: 0010:f+0x1/0x2\n", CrashKind::Oops,
         "BUG: unable to handle kernel NULL pointer dereference in f"},
        {"BUG: unable to handle kernel xyz at 0000000000000010\nRIP: 0010:f+0x1/0x2\n", CrashKind::Oops,
         "BUG: unable to handle kernel in f"},
        {"Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000\npc : f+0x1/0x2\n", CrashKind::Oops,
         "BUG: unable to handle kernel NULL pointer dereference in f"},
        {"BUG: soft lockup - CPU#0 stuck for 23s! [x:1]\nRIP: 0010:f+0x1/0x2\n", CrashKind::SoftLockup, "BUG: soft lockup in f"},
        {"watchdog: Watchdog detected hard LOCKUP on cpu 1\nRIP: 0010:f+0x1/0x2\n", CrashKind::Other, "watchdog: hard lockup in f"},
        {"Watchdog detected hard LOCKUP on cpu 1\n", CrashKind::Other, "watchdog: hard lockup"},
        {"WARNING: possible recursive locking detected\n", CrashKind::Warning, "WARNING: possible recursive locking detected"},
        {"WARNING: possible irq lock inversion dependency detected\n", CrashKind::Warning,
         "WARNING: possible irq lock inversion dependency detected"},
        {"WARNING: inconsistent lock state\n", CrashKind::Warning, "WARNING: inconsistent lock state"},
        {"WARNING: suspicious RCU usage\n", CrashKind::Warning, "WARNING: suspicious RCU usage"},
        {"WARNING: bad unlock balance detected!\n", CrashKind::Warning, "WARNING: bad unlock balance detected!"},
        {"WARNING: held lock freed!\n", CrashKind::Warning, "WARNING: held lock freed!"},
        {"WARNING: lock held when returning to user space!\n", CrashKind::Warning, "WARNING: lock held when returning to user space!"},
        {"INFO: rcu_sched self-detected stall on CPU\n", CrashKind::RcuStall, "INFO: rcu detected stall"},
        {"PANIC: double fault, error_code: 0x0\nRIP: 0010:f+0x1/0x2\n", CrashKind::Oops, "double fault in f"},
        {"double fault: 0000 [#1] SMP\nRIP: 0010:f+0x1/0x2\n", CrashKind::Oops, "double fault in f"},
        {"stack guard page: 0000 [#1] SMP\nRIP: 0010:f+0x1/0x2\n", CrashKind::Oops, "stack guard page in f"},
        {"int3: 0000 [#1] SMP\nRIP: 0010:f+0x1/0x2\n", CrashKind::Oops, "int3 in f"},
        {"Internal error: Oops - BUG: 00000000f2000800 [#1] SMP\npc : f+0x1/0x2\n", CrashKind::Oops, "Oops in f"},
        {"divide error: 0000 [#1] SMP\nRIP: 0010:f+0x1/0x2\n", CrashKind::Oops, "divide error in f"},
        {"mh-exec invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", CrashKind::Oom, "out of memory"},
    };
    for (const Case& c : cases) {
        std::vector<CrashReport> r = parse_console(c.log);
        ASSERT_EQ(r.size(), 1u) << c.log;
        EXPECT_EQ(r[0].kind, c.kind) << c.log;
        EXPECT_EQ(r[0].title, c.title) << c.log;
    }
}

TEST(ConsoleParser, OutOfMemoryIsTitledByTheAllocatingCaller) {
    // Allocator and OOM-killer frames are skipped whichever allocator was used (6.12 names
    // differ: alloc_pages_noprof, __kmalloc_noprof); its own panics join the report.
    const char* v612 =
        "[    5.1] insmod invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
        "[    5.1] Call Trace:\n"
        "[    5.1]  <TASK>\n"
        "[    5.1]  dump_stack_lvl+0x5d/0x80\n"
        "[    5.1]  dump_header+0x43/0x1aa\n"
        "[    5.1]  oom_kill_process+0xfe/0x200\n"
        "[    5.1]  out_of_memory+0x24e/0x590\n"
        "[    5.1]  __alloc_pages_slowpath.constprop.0+0xac6/0xe70\n"
        "[    5.1]  __alloc_pages_noprof+0x30e/0x330\n"
        "[    5.1]  alloc_pages_mpol_noprof+0xd7/0x1d0\n"
        "[    5.1]  __kmalloc_large_noprof+0x1e/0xc0\n"
        "[    5.1]  my_init+0x40/0x1000 [mine]\n"
        "[    5.1]  do_one_initcall+0x5b/0x320\n"
        "[    5.2] Out of memory and no killable processes...\n"
        "[    5.2] Kernel panic - not syncing: System is deadlocked on memory\n";
    auto r = parse_console(v612);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].kind, CrashKind::Oom);
    EXPECT_EQ(r[0].title, "out of memory in my_init");
    EXPECT_NE(r[0].excerpt.find("deadlocked on memory"), std::string::npos);
    // An unrelated panic later is its own report.
    auto two = parse_console(
        std::string(v612, std::strlen(v612) - std::strlen("[    5.2] Kernel panic - not syncing: System is deadlocked on memory\n")) +
        "[    9.0] Kernel panic - not syncing: VFS: Unable to mount root fs\n");
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[1].kind, CrashKind::Panic);
    // The allocation-failure warning (warn_alloc) of a __GFP_RETRY_MAYFAIL request is not an OOM.
    EXPECT_TRUE(parse_console("insmod: page allocation failure: order:10, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)\n").empty());
}

TEST(ConsoleParser, TitlesAreStableAcrossRuns) {
    // Same bug, different timestamps, PIDs, CPUs, addresses and offsets: same title.
    std::string a =
        "[   12.345678][ T1234] BUG: unable to handle page fault for address: ffffc900001a7ff0\n"
        "[   12.345679][ T1234] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
        "[   12.345680][ T1234] CPU: 1 PID: 1234 Comm: mh-exec\n"
        "[   12.345681][ T1234] RIP: 0010:layout_symtab+0x8e/0x1b0\n";
    std::string b =
        "[  999.000001][   T77] BUG: unable to handle page fault for address: ffffc90000a95000\n"
        "[  999.000002][   T77] Oops: Oops: 0002 [#3] SMP\n"
        "[  999.000003][   T77] CPU: 0 UID: 0 PID: 77 Comm: other\n"
        "[  999.000004][   T77] RIP: 0010:layout_symtab.cold+0x12/0x40\n";
    EXPECT_EQ(only_title(a), "BUG: unable to handle page fault in layout_symtab");
    EXPECT_EQ(only_title(a), only_title(b));
}

TEST(ConsoleParser, PanicAfterReportJoinsIt) {
    std::string log =
        "[ 1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n"
        "[ 1.0] ---[ end trace 0000000000000000 ]---\n"
        "[ 1.0] Kernel panic - not syncing: panic_on_warn set ...\n"
        "[ 1.0] ---[ end Kernel panic - not syncing: panic_on_warn set ... ]---\n";
    std::vector<CrashReport> r = parse_console(log);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].kind, CrashKind::Warning);
    EXPECT_EQ(r[0].end, log.size());
    // Far away from any report, a panic is a report of its own.
    std::string later = log;
    for (int i = 0; i < 100; ++i) later += "[ 2.0] quiet\n";
    later += "[ 3.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009\n";
    r = parse_console(later);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[1].kind, CrashKind::Panic);
    EXPECT_EQ(r[1].title, "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009");
    EXPECT_LT(r[0].end, r[1].begin);
}

TEST(ConsoleParser, TwoOopsesAreTwoReports) {
    std::string one =
        "BUG: unable to handle page fault for address: ffffc900001a7ff0\n"
        "Oops: 0000 [#1] SMP\nRIP: 0010:a+0x1/0x2\n---[ end trace 0 ]---\n";
    std::string two =
        "BUG: unable to handle page fault for address: ffffc900001a7ff0\n"
        "Oops: 0000 [#2] SMP\nRIP: 0010:b+0x1/0x2\n---[ end trace 0 ]---\n";
    std::vector<CrashReport> r = parse_console(one + two);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].title, "BUG: unable to handle page fault in a");
    EXPECT_EQ(r[1].title, "BUG: unable to handle page fault in b");
    EXPECT_EQ(r[0].end, one.size());
    EXPECT_EQ(r[1].begin, one.size());
}

TEST(ConsoleParser, KmsgAndSyslogPrefixes) {
    EXPECT_EQ(only_title("4,812,2101223,-;BUG: unable to handle page fault for address: ffffc90000a95000\n"
                         "4,813,2101300,-;RIP: 0010:strlen+0x0/0x20\n"),
              "BUG: unable to handle page fault in strlen");
    EXPECT_EQ(only_title("<0>[    2.1] Kernel panic - not syncing: Fatal exception\n"), "Kernel panic - not syncing: Fatal exception");
}

TEST(ConsoleParser, ExcerptIsBoundedAndClean) {
    std::string log = "[ 1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\r\n";
    for (int i = 0; i < 2000; ++i) log += "[ 1.0]  frame_" + std::to_string(i) + "+0x1/0x2\x01\r\n";
    std::vector<CrashReport> r = parse_console(log);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_LE(r[0].excerpt.size(), kMaxExcerptBytes);
    EXPECT_EQ(r[0].excerpt.back(), '\n');
    EXPECT_EQ(r[0].excerpt.find('\r'), std::string::npos);
    EXPECT_EQ(r[0].excerpt.find('\x01'), std::string::npos);
    EXPECT_EQ(r[0].excerpt.rfind("[ 1.0] WARNING", 0), 0u);
}

TEST(ConsoleParser, KindNames) {
    EXPECT_EQ(crash_kind_name(CrashKind::Panic), "panic");
    EXPECT_EQ(crash_kind_name(CrashKind::SoftLockup), "soft-lockup");
    EXPECT_EQ(crash_kind_name(CrashKind::HungTask), "hung-task");
    EXPECT_EQ(crash_kind_name(CrashKind::RcuStall), "rcu-stall");
    EXPECT_EQ(crash_start_kind("[ 1.0] UBSAN: shift-out-of-bounds in a.c:1:2"), CrashKind::Ubsan);
    EXPECT_FALSE(crash_start_kind("[ 1.0] Invalid ELF header magic").has_value());
}

// ---- Robustness: any bytes, any truncation, big floods -------------------------------------

std::string golden(const char* name) {
    const char* root = std::getenv("MH_SOURCE_DIR");
    std::filesystem::path p = std::filesystem::path(root != nullptr ? root : ".") / "harness" / "kernel_log" / "testdata" / name;
    return read_text_file(p).value_or("");
}

void check_invariants(std::string_view input, const std::vector<CrashReport>& reports) {
    std::size_t last_end = 0;
    ASSERT_LE(reports.size(), kMaxReports);
    for (const CrashReport& r : reports) {
        ASSERT_LE(last_end, r.begin);
        ASSERT_LT(r.begin, r.end);
        ASSERT_LE(r.end, input.size());
        ASSERT_LE(r.excerpt.size(), kMaxExcerptBytes);
        ASSERT_LE(r.title.size(), 160u);
        for (char c : r.title) ASSERT_TRUE(c >= 0x20 && c < 0x7f) << r.title;
        last_end = r.end;
    }
}

TEST(ConsoleParserRobustness, RandomBytes) {
    std::mt19937_64 rng(12345);
    // Alphabet biased towards the characters patterns are made of, so matching code runs.
    const std::string pieces[] = {"BUG: ",
                                  "Oops: ",
                                  "RIP: 0010:",
                                  "+0x",
                                  "/0x",
                                  "[<",
                                  ">]",
                                  "\n",
                                  "\r",
                                  "[",
                                  "]",
                                  " ",
                                  "0000 [#1]",
                                  "Kernel panic - not syncing: ",
                                  "WARNING: CPU: ",
                                  " at ",
                                  "INFO: task ",
                                  " blocked ",
                                  "UBSAN: ",
                                  " in ",
                                  "=====",
                                  "---[ end trace",
                                  "<IRQ>",
                                  "</IRQ>",
                                  "? ",
                                  "kernel BUG at ",
                                  "a",
                                  "_",
                                  ":",
                                  ".",
                                  "!"};
    for (int round = 0; round < 300; ++round) {
        std::string s;
        std::size_t n = rng() % 4096;
        while (s.size() < n) {
            if (rng() % 3 == 0)
                s.push_back(static_cast<char>(rng() & 0xff));
            else
                s += pieces[rng() % std::size(pieces)];
        }
        std::vector<CrashReport> r = parse_console(s);
        check_invariants(s, r);
    }
}

TEST(ConsoleParserRobustness, TruncationAtEveryOffset) {
    std::string log = golden("mod612_warning_then_gpf.log");
    ASSERT_GT(log.size(), 1000u);
    for (std::size_t n = 0; n <= log.size(); ++n) {
        std::string_view cut(log.data(), n);
        std::vector<CrashReport> r = parse_console(cut);
        check_invariants(cut, r);
        if (::testing::Test::HasFatalFailure()) return;
        ASSERT_LE(r.size(), 2u) << "at offset " << n;
    }
    // Cut right after the WARNING line: the report is found with its title.
    std::size_t after = log.find('\n', log.find("WARNING: CPU")) + 1;
    std::vector<CrashReport> r = parse_console(std::string_view(log.data(), after));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].title, "WARNING in move_module");
}

TEST(ConsoleParserRobustness, TwentyMegabyteFloodIsFast) {
    std::string boot = golden("neg612_module_rejections.log");
    std::string crash = golden("mod61_page_fault_layout_symtab.log");
    std::string flood;
    flood.reserve(21u << 20);
    while (flood.size() < (20u << 20)) flood += boot;
    flood += crash;
    auto t0 = std::chrono::steady_clock::now();
    std::vector<CrashReport> r = parse_console(flood);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].title, "BUG: unable to handle page fault in layout_symtab");
    std::cout << "20 MiB console parsed in " << ms << " ms\n";
    EXPECT_LT(ms, 30000);  // generous: sanitizer builds and a busy 2-core host
}

TEST(ConsoleParserRobustness, PathologicalShapes) {
    // One 20 MiB line without a newline.
    std::string line(20u << 20, 'A');
    EXPECT_TRUE(parse_console(line).empty());
    // A long run of report starts: output is capped, time stays linear.
    std::string starts;
    while (starts.size() < (4u << 20)) starts += "BUG: x\n";
    std::vector<CrashReport> r = parse_console(starts);
    EXPECT_EQ(r.size(), kMaxReports);
    // A report that never ends, followed by megabytes of stack frames.
    std::string endless = "WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n";
    while (endless.size() < (4u << 20)) endless += " g+0x1/0x2\n";
    r = parse_console(endless);
    ASSERT_EQ(r.size(), 1u);
    check_invariants(endless, r);
    // A flood of panics: each report still ends after kMaxReportLines lines.
    std::string panics;
    for (int i = 0; i < 10000; ++i) panics += "Kernel panic - not syncing: x\n";
    r = parse_console(panics);
    EXPECT_EQ(r.size(), (10000 + kMaxReportLines - 1) / kMaxReportLines);
    check_invariants(panics, r);
    // Only NULs and CRs.
    EXPECT_TRUE(parse_console(std::string(1u << 20, '\0')).empty());
    EXPECT_TRUE(parse_console(std::string(1u << 20, '\r')).empty());
}

}  // namespace
}  // namespace mh::kernel_log
