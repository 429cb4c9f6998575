// Console parser: finds kernel crash reports in serial console bytes and gives them stable titles.
#include "harness/kernel_log/console_parser.h"

#include <algorithm>
#include <optional>

#include "harness/kernel_log/crash_title.h"
#include "harness/kernel_log/kernel_text.h"

namespace mh::kernel_log {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// One row per way a kernel starts a crash report. A line opens a report when its message
// (printk prefix removed) starts with `prefix` and, if `also` is set, contains `also` after
// it. First matching row wins, so specific rows come before general ones ("BUG: KASAN: "
// before "BUG: "). Sources: x86 traps/fault/dumpstack, lib/bug.c, kernel/panic.c,
// kernel/watchdog.c, kernel/hung_task.c, kernel/rcu/tree_stall.h, mm/kasan/report.c,
// lib/ubsan.c, kernel/locking/lockdep.c of Linux 6.1 and 6.12.
struct Pattern {
    CrashKind kind;
    std::string_view prefix;
    std::string_view also;
    TitleRule rule;
    std::string_view base;  // base title for rules that append " in <function>"
    bool closed_by_equals_line;  // sanitizer reports end with a "=====" rule line
    // Reports without an end marker (lockups, hangs, stalls) take a later panic only if its
    // message names them ("softlockup: hung tasks"); an unrelated panic is its own report.
    std::string_view panic_hint = {};
};

constexpr Pattern kPatterns[] = {
    {CrashKind::Panic, "Kernel panic - not syncing: ", "", TitleRule::PanicMessage, "", false},
    {CrashKind::Kasan, "BUG: KASAN: ", "", TitleRule::Kasan, "", true},
    {CrashKind::Other, "BUG: KMSAN: ", "", TitleRule::Sanitizer, "", true},
    {CrashKind::Other, "BUG: KCSAN: ", "", TitleRule::Sanitizer, "", true},
    {CrashKind::Other, "BUG: KFENCE: ", "", TitleRule::Sanitizer, "", true},
    {CrashKind::Oops, "BUG: unable to handle page fault", "", TitleRule::IpFunction, "BUG: unable to handle page fault", false},
    {CrashKind::Oops, "BUG: unable to handle kernel paging request", "", TitleRule::IpFunction,
     "BUG: unable to handle kernel paging request", false},
    {CrashKind::Oops, "BUG: unable to handle kernel NULL pointer dereference", "", TitleRule::IpFunction,
     "BUG: unable to handle kernel NULL pointer dereference", false},
    {CrashKind::Oops, "BUG: unable to handle kernel", "", TitleRule::IpFunction, "BUG: unable to handle kernel", false},
    {CrashKind::Oops, "BUG: kernel NULL pointer dereference", "", TitleRule::IpFunction, "BUG: kernel NULL pointer dereference", false},
    // arm64 do_kernel_fault() words the same faults without "BUG: "; titles match x86's.
    {CrashKind::Oops, "Unable to handle kernel paging request at virtual address", "", TitleRule::IpFunction,
     "BUG: unable to handle kernel paging request", false},
    {CrashKind::Oops, "Unable to handle kernel NULL pointer dereference at virtual address", "", TitleRule::IpFunction,
     "BUG: unable to handle kernel NULL pointer dereference", false},
    {CrashKind::SoftLockup, "watchdog: BUG: soft lockup", "", TitleRule::SoftLockup, "BUG: soft lockup", false, "softlockup"},
    {CrashKind::SoftLockup, "BUG: soft lockup", "", TitleRule::SoftLockup, "BUG: soft lockup", false, "softlockup"},
    {CrashKind::Bug, "BUG: ", "", TitleRule::BugGeneric, "", false},
    {CrashKind::Bug, "kernel BUG at ", "", TitleRule::KernelBug, "", false},
    {CrashKind::Bug, "Kernel BUG at ", "", TitleRule::KernelBug, "", false},
    {CrashKind::Warning, "WARNING: CPU: ", " at ", TitleRule::Warning, "", false},
    {CrashKind::Warning, "WARNING: at ", "", TitleRule::Warning, "", false},
    {CrashKind::Warning, "WARNING: ", ", CPU#", TitleRule::Warning, "", false},  // 6.17+ layout
    {CrashKind::Warning, "WARNING: possible circular locking dependency detected", "", TitleRule::Message, "", false},
    {CrashKind::Warning, "WARNING: possible recursive locking detected", "", TitleRule::Message, "", false},
    {CrashKind::Warning, "WARNING: possible irq lock inversion dependency detected", "", TitleRule::Message, "", false},
    {CrashKind::Warning, "WARNING: inconsistent lock state", "", TitleRule::Message, "", false},
    {CrashKind::Warning, "WARNING: suspicious RCU usage", "", TitleRule::Message, "", false},
    {CrashKind::Warning, "WARNING: bad unlock balance detected!", "", TitleRule::Message, "", false},
    {CrashKind::Warning, "WARNING: held lock freed!", "", TitleRule::Message, "", false},
    {CrashKind::Warning, "WARNING: lock held when returning to user space!", "", TitleRule::Message, "", false},
    {CrashKind::Ubsan, "UBSAN: ", "", TitleRule::Ubsan, "", true},
    {CrashKind::HungTask, "INFO: task ", " blocked ", TitleRule::HungTask, "INFO: task hung", false, "hung_task"},
    {CrashKind::RcuStall, "rcu: INFO: rcu_", " stall", TitleRule::RcuStall, "INFO: rcu detected stall", false, "RCU Stall"},
    {CrashKind::RcuStall, "INFO: rcu_", " stall", TitleRule::RcuStall, "INFO: rcu detected stall", false, "RCU Stall"},
    {CrashKind::Other, "watchdog: Watchdog detected hard LOCKUP", "", TitleRule::IpFunction, "watchdog: hard lockup", false, "LOCKUP"},
    {CrashKind::Other, "Watchdog detected hard LOCKUP", "", TitleRule::IpFunction, "watchdog: hard lockup", false, "LOCKUP"},
    {CrashKind::Oops, "general protection fault", "", TitleRule::IpFunction, "general protection fault", false},
    {CrashKind::Oops, "invalid opcode: ", "", TitleRule::IpFunction, "invalid opcode", false},
    {CrashKind::Oops, "divide error: ", "", TitleRule::IpFunction, "divide error", false},
    {CrashKind::Oops, "double fault: ", "", TitleRule::IpFunction, "double fault", false},
    {CrashKind::Oops, "PANIC: double fault", "", TitleRule::IpFunction, "double fault", false},
    {CrashKind::Oops, "stack guard page: ", "", TitleRule::IpFunction, "stack guard page", false},
    {CrashKind::Oops, "int3: ", "", TitleRule::IpFunction, "int3", false},
    {CrashKind::Oops, "Internal error: Oops", "", TitleRule::IpFunction, "Oops", false},
    // x86 __die_header(): "Oops: 0002 [#1] ..." (6.1 page faults) and, from 6.10 on, a prefix
    // to every die() string: "Oops: general protection fault, ...". See match_message().
    {CrashKind::Oops, "Oops: ", "", TitleRule::IpFunction, "Oops", false},
    // mm/oom_kill.c dump_header(): "<comm> invoked oom-killer: gfp_mask=...". The guest ran out
    // of memory: the VM's state is not trusted any more, and the call trace names the allocator.
    // Its panics (panic_on_oom, "System is deadlocked on memory") belong to it.
    {CrashKind::Oom, "", " invoked oom-killer: ", TitleRule::OutOfMemory, "out of memory", false, "emory"},
};

constexpr std::string_view kOopsPrefix = "Oops: ";

// A report is absorbed, not split, when a panic follows it within this many lines
// (6.x prints "---[ end trace ]---", the RIP summary and "Kernel Offset" before panicking).
constexpr std::size_t kPanicAbsorbLines = 40;
// A die header ("Oops: 0000 [#1]") belongs to an oops/BUG report opened this recently.
constexpr std::size_t kOopsHeaderAbsorbLines = 30;
// A report start printed by another task or CPU this soon after a report opened is a
// concurrent reporter of the same event (SMP interleaving), not a new incident.
constexpr std::size_t kConcurrentStartLines = 20;
// Bytes of each line kept for title building; frames and RIP lines are far shorter.
constexpr std::size_t kTitleLineBytes = 512;

const Pattern* match_row(std::string_view msg) {
    for (const Pattern& p : kPatterns) {
        if (!starts_with(msg, p.prefix)) continue;
        if (!p.also.empty() && msg.find(p.also, p.prefix.size()) == std::string_view::npos) continue;
        return &p;
    }
    return nullptr;
}

// "Oops: 0002 [#1]" or 6.12's "Oops: Oops: 0002 [#1]": the header of a page fault report.
bool is_bare_oops_header(std::string_view msg) {
    if (!starts_with(msg, kOopsPrefix)) return false;
    std::string_view rest = msg.substr(kOopsPrefix.size());
    if (starts_with(rest, kOopsPrefix)) return true;
    // An error code ("0002 [#1]"), not a word: "Oops: divide error: ..." starts with a hex
    // letter too.
    std::size_t digits = 0;
    while (digits < rest.size() && ((rest[digits] >= '0' && rest[digits] <= '9') || (rest[digits] >= 'a' && rest[digits] <= 'f'))) ++digits;
    return digits >= 4 && (digits == rest.size() || rest[digits] == ' ');
}

struct Match {
    const Pattern* pattern = nullptr;
    std::string_view message;  // the message the title is built from
};

Match match_message(std::string_view msg) {
    const Pattern* p = match_row(msg);
    if (p == nullptr) return {};
    // 6.10+ "Oops: general protection fault, ...": title it like the 6.1 line without prefix.
    if (p->prefix == kOopsPrefix && !is_bare_oops_header(msg)) {
        std::string_view inner = msg.substr(kOopsPrefix.size());
        const Pattern* q = match_row(inner);
        if (q != nullptr && q->prefix != kOopsPrefix) return {q, inner};
    }
    return {p, msg};
}

// The die() header: x86 "<what>: 0000 [#1] PREEMPT SMP ...", arm64 "Internal error: Oops:
// 0000000096000004 [#1] ...". It follows the line that says why the kernel died ("BUG: unable
// to handle page fault", "kernel BUG at", "PANIC: double fault") and is part of that report.
bool is_die_header(std::string_view msg) {
    std::size_t pos = msg.find(" [#");
    if (pos == std::string_view::npos) return false;
    std::size_t digits = 0;
    while (digits < pos) {
        char c = msg[pos - 1 - digits];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) break;
        ++digits;
    }
    if (digits < 4 || digits > 16 || pos < digits + 2) return false;
    return msg[pos - digits - 1] == ' ' && msg[pos - digits - 2] == ':';
}

bool is_end_marker(std::string_view msg) { return starts_with(msg, "---[ end trace") || starts_with(msg, "---[ end Kernel panic"); }

bool is_equals_rule(std::string_view msg) { return msg.size() >= 10 && msg.substr(0, 10) == "=========="; }

// The report being collected. After its terminator it stays "closed but reopenable" for a
// few lines, so that a panic caused by it joins it instead of becoming a second report.
struct Collecting {
    const Pattern* pattern = nullptr;
    std::string start;  // message of the opening line
    std::string caller;  // printk caller id of the opening line ("T80"), if any
    std::vector<std::string> body;  // messages of the following lines, for titles
    std::size_t begin = 0;
    std::size_t end = 0;  // end of the last line taken
    std::size_t lines = 0;
    bool has_die_header = false;
    bool closed = false;
    std::size_t closed_end = 0;
    std::size_t closed_body = 0;
    std::size_t lines_since_close = 0;
};

std::string make_excerpt(std::string_view console, std::size_t begin, std::size_t end) {
    std::string_view text = console.substr(begin, end - begin);
    std::string out;
    out.reserve(std::min(text.size(), kMaxExcerptBytes));
    for (char c : text) {
        if (c == '\0' || c == '\r') continue;
        unsigned char u = static_cast<unsigned char>(c);
        out.push_back((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f ? '?' : c);
        if (out.size() >= kMaxExcerptBytes) break;
    }
    if (out.size() >= kMaxExcerptBytes) {
        std::size_t nl = out.rfind('\n');
        if (nl != std::string::npos && nl > 0) out.resize(nl + 1);
    }
    return out;
}

class Parser {
public:
    explicit Parser(std::string_view console) : console_(console) {}

    std::vector<CrashReport> run() {
        std::size_t pos = 0;
        std::string clean;
        while (pos < console_.size() && reports_.size() < kMaxReports) {
            std::size_t nl = console_.find('\n', pos);
            std::size_t line_end = nl == std::string_view::npos ? console_.size() : nl + 1;
            std::size_t text_end = nl == std::string_view::npos ? console_.size() : nl;
            clean_line(console_.substr(pos, text_end - pos), clean);
            ConsolePrefix prefix = split_console_prefix(clean);
            on_line(pos, line_end, prefix.message, prefix.caller);
            pos = line_end;
        }
        if (cur_) finish();
        return std::move(reports_);
    }

private:
    void on_line(std::size_t begin, std::size_t end, std::string_view msg, std::string_view caller) {
        Match m = match_message(msg);
        if (!cur_) {
            if (m.pattern != nullptr) open(m, begin, end, caller);
            return;
        }
        Collecting& c = *cur_;
        // Absorbing has a limit too, or a flood of panics would grow one report forever.
        bool room = c.lines < kMaxReportLines;
        if (m.pattern != nullptr && !c.closed && c.lines < kConcurrentStartLines && !caller.empty() && !c.caller.empty() &&
            caller != c.caller && m.pattern->kind != CrashKind::Panic) {
            // Another CPU reporting at the same moment: keep its lines, not its title.
            c.end = end;
            ++c.lines;
            return;
        }
        if (m.pattern != nullptr) {
            bool panic = m.pattern->kind == CrashKind::Panic &&
                         (c.closed || c.pattern->panic_hint.empty() || msg.find(c.pattern->panic_hint) != std::string_view::npos);
            bool die_header = is_die_header(msg) && !c.closed && !c.has_die_header && c.lines < kOopsHeaderAbsorbLines &&
                              (c.pattern->kind == CrashKind::Oops || c.pattern->kind == CrashKind::Bug);
            if (room && (panic || die_header)) {
                if (die_header) c.has_die_header = true;
                c.closed = false;
                take(c, begin, end, msg);
                return;
            }
            finish();
            open(m, begin, end, caller);
            return;
        }
        if (c.closed) {
            take(c, begin, end, msg);
            if (++c.lines_since_close > kPanicAbsorbLines) finish();
            return;
        }
        if (c.lines >= kMaxReportLines) {
            finish();
            return;
        }
        take(c, begin, end, msg);
        if (is_end_marker(msg) || (c.pattern->closed_by_equals_line && is_equals_rule(msg))) {
            c.closed = true;
            c.closed_end = c.end;
            c.closed_body = c.body.size();
            c.lines_since_close = 0;
        }
    }

    void open(const Match& m, std::size_t begin, std::size_t end, std::string_view caller) {
        cur_.emplace();
        Collecting& c = *cur_;
        c.pattern = m.pattern;
        c.caller = std::string(caller.substr(0, 16));
        c.start = std::string(m.message.substr(0, kTitleLineBytes));
        c.begin = begin;
        c.end = end;
        c.lines = 1;
        c.has_die_header = is_die_header(m.message);
    }

    void take(Collecting& c, std::size_t, std::size_t end, std::string_view msg) {
        c.end = end;
        ++c.lines;
        if (c.body.size() < kMaxReportLines) c.body.emplace_back(msg.substr(0, kTitleLineBytes));
    }

    void finish() {
        Collecting& c = *cur_;
        if (c.closed) {
            c.end = c.closed_end;
            c.body.resize(c.closed_body);
        }
        CrashReport r;
        r.kind = c.pattern->kind;
        r.title = build_title(c.pattern->rule, c.pattern->base, c.start, c.body);
        r.begin = c.begin;
        r.end = c.end;
        r.excerpt = make_excerpt(console_, c.begin, c.end);
        if (reports_.size() < kMaxReports) reports_.push_back(std::move(r));
        cur_.reset();
    }

    std::string_view console_;
    std::optional<Collecting> cur_;
    std::vector<CrashReport> reports_;
};

}  // namespace

std::vector<CrashReport> parse_console(std::string_view console) { return Parser(console).run(); }

std::string_view crash_kind_name(CrashKind kind) {
    switch (kind) {
        case CrashKind::Panic: return "panic";
        case CrashKind::Oops: return "oops";
        case CrashKind::Bug: return "bug";
        case CrashKind::Warning: return "warning";
        case CrashKind::Kasan: return "kasan";
        case CrashKind::Ubsan: return "ubsan";
        case CrashKind::SoftLockup: return "soft-lockup";
        case CrashKind::HungTask: return "hung-task";
        case CrashKind::RcuStall: return "rcu-stall";
        case CrashKind::Oom: return "oom";
        case CrashKind::Other: return "other";
    }
    return "other";
}

std::optional<CrashKind> crash_start_kind(std::string_view line) {
    std::string clean;
    clean_line(line, clean);
    Match m = match_message(strip_console_prefix(clean));
    if (m.pattern == nullptr) return std::nullopt;
    return m.pattern->kind;
}

}  // namespace mh::kernel_log
