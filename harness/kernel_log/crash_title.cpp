// Crash titles: stable titles for kernel crash reports, and for fuzz crashes the kernel printed none for.
#include "harness/kernel_log/crash_title.h"

#include <algorithm>
#include <initializer_list>

#include "harness/kernel_log/kernel_text.h"

namespace mh::kernel_log {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

// A frame-name filter: names equal to an `exact` entry or starting with a `prefix` entry.
struct FrameFilter {
    std::initializer_list<std::string_view> exact;
    std::initializer_list<std::string_view> prefix;

    bool skips(std::string_view name) const {
        for (std::string_view e : exact)
            if (name == e) return true;
        for (std::string_view p : prefix)
            if (starts_with(name, p)) return true;
        return false;
    }
};

// Frames that say *how* a task waits or a CPU got interrupted, never *where* the bug is:
// skipping them lands hang, stall and lockup titles on the caller that matters, so the same
// hang gets the same title whichever lock or wait primitive it sat in.
const FrameFilter kWaitFrames{{"down", "schedule", "kthread", "msleep"},
                              {"__switch_to",
                               "__schedule",
                               "schedule_",
                               "preempt_schedule",
                               "io_schedule",
                               "_cond_resched",
                               "__cond_resched",
                               "__mutex_lock",
                               "mutex_lock",
                               "__down",
                               "down_",
                               "rwsem_down",
                               "rt_mutex",
                               "__rt_mutex",
                               "wait_for_completion",
                               "__wait_for_common",
                               "wait_for_common",
                               "do_wait_for_common",
                               "__wait_on_bit",
                               "out_of_line_wait_on_bit",
                               "bit_wait",
                               "folio_wait",
                               "__folio_lock",
                               "wait_on_page",
                               "__lock_page",
                               "__wait_rcu_gp",
                               "_raw_spin",
                               "do_raw_spin",
                               "queued_spin",
                               "native_queued_spin",
                               "__pv_queued_spin",
                               "__sanitizer_cov",
                               "lock_acquire",
                               "__lock_acquire",
                               "lock_release",
                               "dump_stack",
                               "__dump_stack",
                               "show_stack",
                               "sched_show_task",
                               "_sched_show_task",
                               "print_cpu_stall",
                               "rcu_",
                               "check_cpu_stall",
                               "nmi_",
                               "arch_trigger_",
                               "trigger_",
                               "update_process_times",
                               "tick_",
                               "hrtimer_",
                               "__hrtimer",
                               "smp_apic_timer",
                               "apic_timer",
                               "asm_",
                               "sysvec_",
                               "irq_exit",
                               "__irq_exit",
                               "__do_softirq",
                               "do_softirq",
                               "handle_softirqs",
                               "watchdog_timer_fn",
                               "delay_tsc",
                               "__const_udelay",
                               "__udelay",
                               "kvm_wait",
                               "kvm_sched_clock",
                               "check_preemption_disabled",
                               "debug_smp_processor_id",
                               "freezable_schedule",
                               "worker_thread",
                               "process_one_work",
                               "process_scheduled_works",
                               "ret_from_fork"}};

// KASAN reports name the function that did the access; when that is a string/bitop helper or
// the KASAN runtime itself the caller is the useful part.
const FrameFilter kKasanFrames{
    {"memcpy", "memset", "memmove", "__memcpy", "__memset", "__memmove", "test_and_clear_bit", "test_and_set_bit", "set_bit", "clear_bit",
     "change_bit", "test_bit", "__set_bit", "__clear_bit"},
    {"__asan_", "__kasan_", "kasan_", "check_memory_region", "instrument_", "dump_stack", "__dump_stack", "print_address_description",
     "print_report", "__hwasan", "show_stack", "__list_add_valid", "__list_del_entry_valid"}};

// UBSAN prints its own handler frames first.
const FrameFilter kUbsanFrames{{},
                               {"dump_stack", "__dump_stack", "show_stack", "ubsan_", "__ubsan_", "handle_overflow",
                                "handle_null_ptr_deref", "handle_object_size_mismatch"}};

// The OOM killer's own frames and the allocator's: the caller that asked for memory is the
// useful part ("out of memory in mh_oom_init"), whichever allocator entry point it used.
const FrameFilter kAllocFrames{{"out_of_memory", "dump_header", "kmalloc", "vmalloc", "vzalloc", "kvmalloc", "kvmalloc_node"},
                               {"dump_stack",       "__dump_stack",
                                "show_stack",       "oom_",
                                "__oom_",           "out_of_memory",
                                "__alloc_pages",    "alloc_pages",
                                "__folio_alloc",    "folio_alloc",
                                "vma_alloc_folio",  "__get_free_pages",
                                "get_zeroed_page",  "get_page_from_freelist",
                                "__kmalloc",        "kmalloc_",
                                "kmem_cache_alloc", "__kmem_cache_alloc",
                                "slab_alloc",       "__slab_alloc",
                                "___slab_alloc",    "allocate_slab",
                                "new_slab",         "alloc_slab",
                                "__kvmalloc",       "__vmalloc",
                                "vmalloc_",         "__alloc_frozen",
                                "alloc_frozen",     "pagefault_out_of_memory",
                                "mem_cgroup_",      "try_charge",
                                "obj_cgroup_charge"}};

std::string with_function(std::string_view base, std::string_view fn) {
    std::string t(base);
    if (!fn.empty()) {
        t += " in ";
        t += fn;
    }
    return t;
}

// Function of the first instruction-pointer line of the body ("" if that RIP is user mode,
// a bare address, or there is none).
std::string_view first_ip_function(const std::vector<std::string>& body) {
    for (const std::string& m : body)
        if (is_ip_line(m)) return ip_function(m);
    return {};
}

// Where the first stack of a KASAN or UBSAN report ends.
bool ends_first_stack(std::string_view m) {
    return starts_with(m, "Allocated by task") || starts_with(m, "Freed by task") || starts_with(m, "The buggy address") ||
           starts_with(m, "Memory state around") || starts_with(m, "Uninit was created") || starts_with(m, "---[ end trace") ||
           starts_with(m, "=====");
}

// First frame of the body the filter does not skip. With `skip_irq`, frames between
// <IRQ>/<NMI> and </IRQ>/<EOI>/</NMI> markers are ignored (the stall detector's own context).
std::string_view first_frame(const std::vector<std::string>& body, const FrameFilter& filter, bool skip_irq, bool stop_at_first_stack_end) {
    bool in_irq = false;
    for (const std::string& line : body) {
        std::string_view m = line;
        if (stop_at_first_stack_end && ends_first_stack(m)) break;
        if (skip_irq) {
            if (contains(m, "<IRQ>") || contains(m, "<NMI>")) in_irq = true;
            for (std::string_view close : {"</IRQ>", "<EOI>", "</NMI>"}) {
                if (std::size_t at = m.find(close); at != std::string_view::npos) {
                    in_irq = false;
                    m = m.substr(at + close.size());
                }
            }
            if (in_irq) continue;
        }
        std::string_view fn = frame_function(m);
        if (!fn.empty() && !filter.skips(fn)) return fn;
    }
    return {};
}

std::string warning_title(std::string_view start, const std::vector<std::string>& body) {
    // Walk the words: the first "func+0x.." (or old-style "func()") names the function.
    std::string_view file;
    std::size_t i = 0;
    while (i < start.size()) {
        while (i < start.size() && start[i] == ' ') ++i;
        std::size_t j = start.find(' ', i);
        if (j == std::string_view::npos) j = start.size();
        std::string_view w = start.substr(i, j - i);
        i = j;
        std::string_view fn = symbol_name(w);
        if (!fn.empty()) {
            std::string_view after = w.substr(w.find_first_of("+(") == std::string_view::npos ? w.size() : w.find_first_of("+("));
            if (starts_with(after, "+0x") || after == "()") return with_function("WARNING", fn);
        }
        if (file.empty() && (contains(w, ".c:") || contains(w, ".h:") || contains(w, ".rs:"))) file = w.substr(0, w.find(':'));
    }
    if (std::string_view fn = first_ip_function(body); !fn.empty()) return with_function("WARNING", fn);
    if (!file.empty()) return with_function("WARNING", file);
    return "WARNING";
}

std::string kasan_title(std::string_view start, const std::vector<std::string>& body) {
    std::string_view rest = start.substr(std::string_view("BUG: KASAN: ").size());
    std::string_view type = rest;
    std::string_view fn;
    if (std::size_t in = rest.find(" in "); in != std::string_view::npos) {
        type = rest.substr(0, in);
        fn = symbol_name(rest.substr(in + 4));
    }
    std::string title = "KASAN: " + sanitize_message(type);
    for (std::size_t k = 0; k < body.size() && k < 4; ++k) {
        if (starts_with(body[k], "Read of size")) {
            title += " Read";
            break;
        }
        if (starts_with(body[k], "Write of size")) {
            title += " Write";
            break;
        }
    }
    if (fn.empty() || kKasanFrames.skips(fn)) {
        std::string_view caller = first_frame(body, kKasanFrames, false, true);
        if (!caller.empty()) fn = caller;
    }
    return with_function(title, fn);
}

std::string ubsan_title(std::string_view start, const std::vector<std::string>& body) {
    std::string_view rest = start.substr(std::string_view("UBSAN: ").size());
    std::string_view check = rest;
    std::string_view file;
    if (std::size_t in = rest.find(" in "); in != std::string_view::npos) {
        check = rest.substr(0, in);
        file = rest.substr(in + 4);
        file = file.substr(0, file.find(':'));
    }
    std::string title = "UBSAN: " + sanitize_message(check);
    std::string_view fn = first_frame(body, kUbsanFrames, false, true);
    if (!fn.empty()) return with_function(title, fn);
    return with_function(title, sanitize_message(file));
}

std::string kernel_bug_title(std::string_view start) {
    // lib/bug.c: "kernel BUG at %s:%u!" or "Kernel BUG at %pB [verbose debug info unavailable]".
    std::string_view rest = start.substr(std::string_view("kernel BUG at ").size());
    std::string_view word = rest.substr(0, rest.find(' '));
    if (contains(word, "+0x")) return with_function("kernel BUG", symbol_name(word));
    std::string_view file = word.substr(0, word.find(':'));
    if (!file.empty() && file.back() == '!') file.remove_suffix(1);
    return "kernel BUG at " + sanitize_message(file);
}

std::string bug_generic_title(std::string_view start) {
    std::string_view rest = start.substr(std::string_view("BUG: ").size());
    std::string out = "BUG:";
    std::size_t words = 0;
    std::size_t i = 0;
    std::vector<std::string_view> kept;
    while (i < rest.size() && words < 12) {
        while (i < rest.size() && rest[i] == ' ') ++i;
        std::size_t j = rest.find(' ', i);
        if (j == std::string_view::npos) j = rest.size();
        std::string_view w = rest.substr(i, j - i);
        i = j;
        if (w.empty()) break;
        // A variable part starts: location, separator, number, address, key=value, path.
        if (w == "at" || w == "-" || w == "on" || w == "for" || w == "process") break;
        char c0 = w.front();
        if ((c0 >= '0' && c0 <= '9') || c0 == '[' || c0 == '(' || c0 == '{' || c0 == '<' || c0 == '#') break;
        bool punct = false;
        while (!w.empty() && (w.back() == ',' || w.back() == '!' || w.back() == ':' || w.back() == ';' || w.back() == '.')) {
            w.remove_suffix(1);
            punct = true;
        }
        std::string_view core = w;
        if (core.size() > 2 && core.substr(core.size() - 2) == "()") core.remove_suffix(2);
        if (core.find_first_of(":=/[](){}<>#") != std::string_view::npos) break;
        if (!w.empty()) kept.push_back(w);
        ++words;
        if (punct) break;
    }
    while (!kept.empty() && (kept.back() == "in" || kept.back() == "at" || kept.back() == "for" || kept.back() == "on" ||
                             kept.back() == "of" || kept.back() == "from" || kept.back() == "with")) {
        kept.pop_back();
    }
    for (std::string_view w : kept) {
        out += ' ';
        out += w;
    }
    return kept.empty() ? "BUG" : out;
}

}  // namespace

std::string build_title(TitleRule rule, std::string_view base, std::string_view start, const std::vector<std::string>& body) {
    std::string title;
    switch (rule) {
        case TitleRule::PanicMessage: {
            constexpr std::string_view kPanic = "Kernel panic - not syncing: ";
            std::string_view msg = start.substr(std::min(start.size(), kPanic.size()));
            title = std::string(kPanic) + sanitize_message(msg);
            break;
        }
        case TitleRule::IpFunction: title = with_function(base, first_ip_function(body)); break;
        case TitleRule::Warning: title = warning_title(start, body); break;
        case TitleRule::Kasan: title = kasan_title(start, body); break;
        case TitleRule::Sanitizer: title = sanitize_message(starts_with(start, "BUG: ") ? start.substr(5) : start); break;
        case TitleRule::Ubsan: title = ubsan_title(start, body); break;
        case TitleRule::SoftLockup: {
            std::string_view fn = first_ip_function(body);
            if (fn.empty() || kWaitFrames.skips(fn)) fn = first_frame(body, kWaitFrames, false, false);
            title = with_function(base, fn);
            break;
        }
        case TitleRule::HungTask: title = with_function(base, first_frame(body, kWaitFrames, false, false)); break;
        case TitleRule::RcuStall: title = with_function(base, first_frame(body, kWaitFrames, true, false)); break;
        case TitleRule::KernelBug: title = kernel_bug_title(start); break;
        case TitleRule::BugGeneric: title = bug_generic_title(start); break;
        case TitleRule::Message: title = std::string(start); break;
        case TitleRule::OutOfMemory: title = with_function(base, first_frame(body, kAllocFrames, false, false)); break;
    }
    // Every title passes through the sanitiser: input bytes are arbitrary.
    return sanitize_message(title);
}

bool is_engine_death(std::string_view kind) { return starts_with(kind, "exit-") || starts_with(kind, "signal-"); }

std::string unreported_crash_title(std::string_view kind, std::string_view taint_added) {
    // Not sanitised: these titles are stable already and name crash groups of earlier runs.
    if (kind == "hang") return "hang: module syscall did not return";
    if (kind == "taint") return "taint: " + std::string(taint_added);
    if (is_engine_death(kind)) return "engine died: " + std::string(kind);
    return "VM lost: " + std::string(kind);
}

}  // namespace mh::kernel_log
