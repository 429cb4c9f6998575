// Module log classes: map one kernel log line printed during a module load to a short stable class.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mh::kernel_log {

// What a class says about the case whose call printed it (conformance: log_class, log_notes).
enum class LogRole {
    kCheck,  // a loader check or a kernel crash report: why the call failed, or what broke
    kTaint,  // a taint notice: printed once per boot, by whichever case taints first
    kNotice,  // a signal besides the errno: a stack dump, a sysfs/kobject complaint, a WARN's text
    kDetail,  // a line inside a dump or report (frames, registers, memory summary): no signal alone
    kNoise,  // not about the input: the clocksource watchdog, our seed module's own printk
};

// One row of the classification table: a line whose message contains `needle` (and
// `also`, when set) gets `log_class`. `source` names the printing function for docs/review.
// `at_start`: the needle must open the message (after blanks), for short needles such as
// "CPU: " or "Call Trace:" that would otherwise match inside other text.
struct ModuleLogPattern {
    std::string_view needle;
    std::string_view also;
    std::string_view log_class;
    std::string_view source;
    LogRole role = LogRole::kCheck;
    bool at_start = false;
};

struct LogClass {
    std::string name;  // "" for a line the table does not know
    LogRole role = LogRole::kCheck;
};

// The table, in match order (first hit wins). Derived from the pr_*() calls in
// kernel/module/*.c, kernel/module_signature.c, kernel/params.c and arch/x86/kernel/module.c
// of Debian's linux-source-6.1 and linux-source-6.12; where the two versions word the same
// check differently both texts map to one class so runs on both kernels compare.
std::span<const ModuleLogPattern> module_log_patterns();

// The class of one console/kmsg line (printk prefixes allowed), e.g.
//   "[ 1.2] Invalid ELF header magic: != \x7fELF"            -> "elf-magic"
//   "m: disagrees about version of symbol module_layout"     -> "symbol-crc"
//   "module: x86/modules: Skipping invalid relocation target" -> "reloc-target-nonzero"
// A line that opens a kernel crash report gets "kernel-<kind>" (e.g. "kernel-oops"), a line of
// a stack trace "stack-frame" and of a register dump "stack-regs" (both kDetail).
// Lines the table does not know give "".
std::string classify_module_log_line(std::string_view line);
// The same, with the class's role.
LogClass classify_module_log(std::string_view line);

}  // namespace mh::kernel_log
