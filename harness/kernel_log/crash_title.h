// Crash titles: turn the lines of one kernel crash report into a stable syzkaller-style title, and
// title the fuzz crashes the kernel printed no report for.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mh::kernel_log {

// How a pattern row turns its report into a title. Each rule documents its output shape.
enum class TitleRule {
    PanicMessage,  // "Kernel panic - not syncing: <message, offsets/addresses stripped>"
    IpFunction,  // "<base> in <function of the first RIP line>", or "<base>"
    Warning,  // "WARNING in <function on the WARNING line | RIP function | file>"
    Kasan,  // "KASAN: <bug type> <Read|Write> in <function, KASAN helpers skipped>"
    Sanitizer,  // message without "BUG: ", offsets stripped (KMSAN, KCSAN, KFENCE)
    Ubsan,  // "UBSAN: <check> in <first frame past the UBSAN handlers | file>"
    SoftLockup,  // "<base> in <RIP function | first frame>", scheduler/lock frames skipped
    HungTask,  // "<base> in <first frame>", scheduler/lock/wait frames skipped
    RcuStall,  // "<base> in <first frame outside IRQ/NMI context>", stall plumbing skipped
    KernelBug,  // "kernel BUG at <file>" (line number dropped) or "kernel BUG in <function>"
    BugGeneric,  // "BUG: <leading words of the message up to the first variable part>"
    Message,  // the sanitised message itself (lockdep splats and other fixed texts)
    OutOfMemory,  // "<base> in <first frame past the allocator and OOM killer>", or "<base>"
};

// The title of one report. `start` is the message (printk prefix removed) of the line that
// opened it, `body` the messages of the lines that followed, `base` the pattern's base title.
std::string build_title(TitleRule rule, std::string_view base, std::string_view start, const std::vector<std::string>& body);

// Whether a fuzz supervisor's crash kind says the engine process itself died ("exit-N",
// "signal-N") rather than the kernel.
bool is_engine_death(std::string_view kind);

// The title of a crash the kernel printed no report for, from how the fuzz supervisor or the VM
// saw it end: "hang: module syscall did not return", "taint: <taint_added>", "engine died: <kind>",
// else "VM lost: <kind>" (the VM ended without the supervisor's word: "vm-lost", "idle", ...).
std::string unreported_crash_title(std::string_view kind, std::string_view taint_added);

}  // namespace mh::kernel_log
