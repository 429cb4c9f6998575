// Console parser: finds kernel crash reports in serial console bytes and gives them stable titles.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/kernel_log/module_log_class.h"

namespace mh::kernel_log {

enum class CrashKind { Panic, Oops, Bug, Warning, Kasan, Ubsan, SoftLockup, HungTask, RcuStall, Oom, Other };

struct CrashReport {
    CrashKind kind = CrashKind::Other;
    // syzkaller-style title, stable across runs: no timestamps, PIDs, CPUs, addresses or
    // offsets, e.g. "BUG: unable to handle page fault in layout_symtab".
    std::string title;
    // Byte range of the report in the console input: from the start of the line that opened
    // it to the end (past the '\n') of its last line.
    std::size_t begin = 0;
    std::size_t end = 0;
    // The report text with timestamps kept, CR/NUL removed, other control bytes as '?',
    // at most kMaxExcerptBytes (cut at a line end when possible).
    std::string excerpt;
};

// Upper bounds that keep the parser linear and its output small on hostile input.
inline constexpr std::size_t kMaxExcerptBytes = 8 * 1024;
inline constexpr std::size_t kMaxReports = 1000;  // later reports are dropped
inline constexpr std::size_t kMaxReportLines = 400;  // an unterminated report ends here

// Every crash report in `console`, in order. A pure function of the bytes: any input
// (binary, truncated, CRLF, NULs, interleaved CPUs, many MBs) is accepted, in linear time.
// Consequences of a report (the "Oops:" header of a page fault, the "Kernel panic - not
// syncing" that follows an oops with panic_on_oops/panic_on_warn) belong to that report
// rather than becoming reports of their own.
std::vector<CrashReport> parse_console(std::string_view console);

// Short stable name of a kind: "panic", "oops", "bug", "warning", "kasan", "ubsan",
// "soft-lockup", "hung-task", "rcu-stall", "oom", "other". Used in goldens and machine output.
std::string_view crash_kind_name(CrashKind kind);

// The kind of crash report a single console line (raw, with printk prefixes) would open, or
// nothing. For line-at-a-time consumers such as the module log classifier.
std::optional<CrashKind> crash_start_kind(std::string_view line);

}  // namespace mh::kernel_log
