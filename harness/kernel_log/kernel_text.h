// Kernel console text helpers: printk prefixes, symbol names, RIP lines and stack frames.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mh::kernel_log {

// Copies `raw` into `out` without NUL and CR bytes: serial logs carry CRLF line ends, stray
// CRs from progress output and NULs after a UART reset, none of which belong to a message.
void clean_line(std::string_view raw, std::string& out);

// The message part of one cleaned console line: drops a syslog level ("<4>"), a /dev/kmsg
// record header ("6,123,4567,-;"), the printk timestamp ("[   12.345678]", searched in the
// first bytes so that user-space junk before it on the same line does not hide the message)
// and a caller id ("[ T1234]" / "[    C0]"), then the single space printk puts after them.
std::string_view strip_console_prefix(std::string_view line);

// The same split, also returning the printk caller id ("T1234" for a task, "C0" for a CPU in
// interrupt context; empty when the kernel does not print them), which tells interleaved
// output of concurrent reporters apart.
struct ConsolePrefix {
    std::string_view message;
    std::string_view caller;
};
ConsolePrefix split_console_prefix(std::string_view line);

// "func+0x12/0x34", "func.isra.0+0x1/0x2" -> "func". Compiler clone suffixes (.isra.N,
// .constprop.N, .cold, .part.N, .llvm.N) are dropped because they change between builds of
// the same source, and titles must stay stable. Empty when `token` does not start with an
// identifier.
std::string_view symbol_name(std::string_view token);

// True when `msg` is a register-dump instruction-pointer line ("RIP: ...", "IP: ...",
// "EIP: ...", arm64 "pc : ...").
bool is_ip_line(std::string_view msg);

// The kernel function named by an instruction-pointer line, e.g. "RIP: 0010:strlen+0x0/0x20"
// -> "strlen". Empty for user-mode RIPs (CS other than 0010/0060), bare addresses and lines
// that are not IP lines.
std::string_view ip_function(std::string_view msg);

// The function of a reliable stack-trace frame line (" func+0x1/0x2", " [<ffff..>] func+0x..",
// ARM " [<80c1e5e8>] (func) from ...", syzkaller-symbolised " func lib/x.c:12 [inline]").
// Empty for unreliable ("? func") frames and for lines that are not frames.
std::string_view frame_function(std::string_view msg);

// True for a line of a stack trace, reliable or not: " func+0x1/0x2 [mod]", " ? func+0x1/0x2",
// an address frame "[<ffffffffc05ac000>] 0xffffffffc05ac000", a context marker " <TASK>",
// " </IRQ>". Unlike frame_function, unreliable frames count: they are still part of the dump.
bool is_stack_trace_line(std::string_view msg);

// True for a line of an x86 register dump (__show_regs, show_opcodes): "RIP: 0010:f+0x1/0x2",
// "RSP: 0018:...", "RAX: ...", "R10: ...", "FS:  ...", "CR2: ...", "DR0: ...", "Code: ...".
bool is_register_dump_line(std::string_view msg);

// Replaces "func+0x12/0x34" by "func", drops "[<ffffffff8123>]" and kernel addresses,
// turns bytes that are not printable ASCII into '?', collapses blanks and caps the length:
// what remains of a message is stable across runs and safe to print anywhere.
std::string sanitize_message(std::string_view msg);

// Longest title we emit; longer ones are cut (at a byte boundary, titles are ASCII).
inline constexpr std::size_t kMaxTitleBytes = 160;

}  // namespace mh::kernel_log
