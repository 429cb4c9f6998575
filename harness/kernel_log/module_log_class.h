// Module log classes: map one kernel log line printed during a module load to a short stable class.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mh::kernel_log {

// One row of the classification table: a line whose message contains `needle` (and
// `also`, when set) gets `log_class`. `source` names the printing function for docs/review.
struct ModuleLogPattern {
    std::string_view needle;
    std::string_view also;
    std::string_view log_class;
    std::string_view source;
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
// A line that opens a kernel crash report gets "kernel-<kind>" (e.g. "kernel-oops").
// Lines unrelated to module loading give "" so callers can ignore boot noise.
std::string classify_module_log_line(std::string_view line);

}  // namespace mh::kernel_log
