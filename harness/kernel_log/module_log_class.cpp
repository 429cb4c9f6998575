// Module log classes: map one kernel log line printed during a module load to a short stable class.
#include "harness/kernel_log/module_log_class.h"

#include <algorithm>

#include "harness/kernel_log/console_parser.h"
#include "harness/kernel_log/kernel_text.h"

namespace mh::kernel_log {
namespace {

constexpr LogRole kTaint = LogRole::kTaint;
constexpr LogRole kNotice = LogRole::kNotice;
constexpr LogRole kDetail = LogRole::kDetail;
constexpr LogRole kNoise = LogRole::kNoise;
constexpr bool kAtStart = true;

// Classes are part of the fuzz signal and of recorded conformance baselines: never rename one,
// add rows instead. More specific needles precede the general ones they contain.
constexpr ModuleLogPattern kModuleLogPatterns[] = {
    // elf_validity_cache_copy() and helpers, kernel/module/main.c
    {"Invalid ELF header len", "", "elf-len", "elf_validity_check"},
    {"Invalid ELF header magic", "", "elf-magic", "elf_validity_check"},
    {"Invalid ELF header type", "", "elf-type", "elf_validity_check"},
    {"Invalid module architecture in ELF header", "", "elf-module-arch", "elf_validity_ehdr (6.12)"},
    {"Invalid architecture in ELF header", "", "elf-arch", "elf_validity_check"},
    {"Invalid ELF section header size", "", "elf-shentsize", "elf_validity_check"},
    {"Invalid ELF section header overflow", "", "elf-shdr-overflow", "elf_validity_check"},
    {"ELF Spec violation: section 0 type", "", "elf-section0", "elf_validity_cache_sechdrs"},
    {"Invalid ELF section in module", "", "elf-section-bounds", "validate_section_offset (6.12)"},
    {"Invalid ELF section hdr(type", "", "elf-shstrtab-bounds", "elf_validity_check (6.1)"},
    {"Invalid ELF section name index", "", "elf-shstrndx", "elf_validity_cache_secstrings"},
    {"Invalid ELF section name table type", "", "elf-shstrtab-type", "elf_validity_cache_secstrings (6.12)"},
    {"empty section name table", "", "elf-shstrtab-empty", "elf_validity_cache_secstrings"},
    {"section name table isn't null terminated", "", "elf-shstrtab-unterminated", "elf_validity_cache_secstrings"},
    {"Invalid ELF section name in module", "", "elf-section-name", "elf_validity_cache_secstrings"},
    {"Only one .modinfo section must exist", "", "modinfo-duplicate", "elf_validity_cache_index_info (6.12)"},
    {"Exactly one .gnu.linkonce.this_module section must exist", "", "this-module-missing", "elf_validity_cache_index_mod (6.12)"},
    {"No module found in object", "", "this-module-missing", "elf_validity_check (6.1)"},
    {".gnu.linkonce.this_module section must have a size set", "", "this-module-empty", "elf_validity_cache_index_mod (6.12)"},
    {".gnu.linkonce.this_module must occupy memory", "", "this-module-noalloc", "elf_validity_cache_index_mod (6.12)"},
    {".gnu.linkonce.this_module section size must match", "", "this-module-size", "elf_validity_cache_index_mod (6.12)"},
    {"module has no symbols (stripped?)", "", "no-symtab", "elf_validity_cache_index_sym"},
    {"Invalid ELF sh_link!=SHN_UNDEF", "", "symtab-link", "elf_validity_cache_strtab"},
    {"Invalid ELF symbol string table type", "", "strtab-type", "elf_validity_cache_strtab (6.12)"},
    // Signature, kernel/module/signing.c and kernel/module_signature.c
    {"Loading of unsigned module is rejected", "", "sig-rejected-unsigned", "module_sig_check"},
    {"Loading of module with unsupported crypto is rejected", "", "sig-rejected-crypto", "module_sig_check"},
    {"Loading of module with unavailable key is rejected", "", "sig-rejected-key", "module_sig_check"},
    {"Loading of ", " is rejected", "sig-rejected", "module_sig_check"},
    {"not signed with expected PKCS#7 message", "", "sig-not-pkcs7", "mod_check_sig"},
    {"PKCS#7 signature info has unexpected non-zero params", "", "sig-bad-params", "mod_check_sig"},
    {"Module hash ", " is blacklisted", "sig-hash-blacklisted", "mod_is_hash_blacklisted"},
    {"digest memory buffer allocate fail", "", "sig-digest-alloc", "mod_is_hash_blacklisted"},
    {"module verification failed: signature and/or required key missing", "", "sig-unsigned-taint", "module_augment_kernel_taints", kTaint},
    // Decompression, kernel/module/decompress.c
    {"not a gzip compressed module", "", "decompress-format", "module_gzip_decompress"},
    {"not an xz compressed module", "", "decompress-format", "module_xz_decompress"},
    {"not a zstd compressed module", "", "decompress-format", "module_zstd_decompress"},
    {"failed to initialize decompressor", "", "decompress-init", "module_gzip_decompress"},
    {"Can't initialize ZSTD stream", "", "decompress-init", "module_zstd_decompress"},
    {"ZSTD-compressed data has an incomplete frame header", "", "decompress-header", "module_zstd_decompress"},
    {"ZSTD-compressed data has too large a window size", "", "decompress-window", "module_zstd_decompress"},
    {"decompression failed with status", "", "decompress-fail", "module_*_decompress"},
    {"ZSTD-decompression failed with status", "", "decompress-fail", "module_zstd_decompress"},
    // Modinfo, version and taint checks, kernel/module/main.c and version.c
    {"version magic '", "' should be '", "vermagic", "check_modinfo"},
    {"disagrees about version of symbol", "", "symbol-crc", "check_version"},
    {"no symbol version for", "", "symbol-no-version", "check_version"},
    {"is marked as livepatch module, but livepatch support is disabled", "", "livepatch-disabled", "check_modinfo_livepatch"},
    {"loading module not compiled with retpoline compiler", "", "retpoline", "check_modinfo_retpoline"},
    {"loading out-of-tree module taints kernel", "", "oot-taint", "module_augment_kernel_taints", kTaint},
    {"module is from the staging directory", "", "staging-taint", "module_augment_kernel_taints", kTaint},
    {"tainting kernel with TAINT_LIVEPATCH", "", "livepatch-taint", "module_augment_kernel_taints", kTaint},
    {"loading test module taints kernel", "", "test-taint", "module_augment_kernel_taints", kTaint},
    {"module license '", "taints kernel", "license-taint", "module_license_taint_check", kTaint},
    {"module license taints kernel", "", "license-taint", "module_augment_kernel_taints", kTaint},
    {": kernel tainted.", "", "force-load-taint", "try_to_force_load", kTaint},
    {"module uses symbols ", "from proprietary module", "proprietary-taint-inherit", "inherit_taint"},
    {"module using GPL-only symbols uses symbols", "", "gpl-from-proprietary", "inherit_taint"},
    {"from namespace ", "but does not import it", "namespace-missing", "verify_namespace_is_imported"},
    {"has both .ctors and .init_array", "", "ctors-init-array", "find_module_sections"},
    {"Ignoring obsolete parameters", "", "obsolete-params", "find_module_sections"},
    {"Module ", " is blacklisted", "blacklisted", "early_mod_check"},
    {"module is already loaded", "", "already-loaded", "mod_sysfs_init"},
    {"module sysfs not initialized", "", "sysfs-uninit", "mod_sysfs_init"},
    // Symbols and relocations, kernel/module/main.c and arch/x86/kernel/module.c
    {"Unknown symbol", "", "unknown-symbol", "simplify_symbols"},
    {"has an invalid section index", "", "symbol-bad-shndx", "simplify_symbols"},
    {"please compile with -fno-common", "", "common-symbol", "simplify_symbols"},
    {"exports duplicate symbol", "", "duplicate-export", "verify_exported_symbols"},
    {"failing symbol_get of non-GPLONLY symbol", "", "symbol-get-gpl", "__symbol_get"},
    {"Unknown rela relocation", "", "reloc-unknown", "__write_relocate_add"},
    {"Unknown relocation", "", "reloc-unknown", "apply_relocate"},
    {"Skipping invalid relocation target, existing value is nonzero", "", "reloc-target-nonzero", "__write_relocate_add (6.1)"},
    {"Invalid relocation target, existing value is nonzero", "", "reloc-target-nonzero", "__write_relocate_add (6.12)"},
    {"Invalid relocation target, existing value does not match", "", "reloc-target-mismatch", "__write_relocate_add (6.12)"},
    {"overflow in relocation type", "", "reloc-overflow", "__write_relocate_add"},
    {"likely not compiled with -mcmodel=kernel", "", "reloc-mcmodel", "__write_relocate_add"},
    {"has invalid WRITE|EXEC flags", "", "section-wx", "module_enforce_rwx_sections"},
    {"per-cpu alignment", "", "percpu-align", "percpu_modalloc"},
    {"percpu data", "Could not allocate", "percpu-alloc", "percpu_modalloc"},
    // Init and unload, kernel/module/main.c
    {"->init suspiciously returned", "", "init-positive-return", "do_one_initcall/do_init_module"},
    {"module_enable_rodata_ro_after_init() returned", "", "rodata-ro-fail", "do_init_module (6.12)"},
    {"gave up waiting for init of module", "", "init-wait-timeout", "resolve_symbol_wait"},
    {"Could not add fail-tracking for module", "", "fail-tracking", "try_add_failed_module (6.12)"},
    {"memory allocation(s) from the module still alive", "", "unload-leak", "free_module (6.12)"},
    // Parameters, kernel/module/main.c and kernel/params.c
    {"unknown parameter '", "' ignored", "param-unknown-ignored", "unknown_module_param_cb"},
    {"after `--' ignored", "", "params-after-dashdash", "load_module"},
    {"Unknown parameter `", "", "param-unknown", "parse_one"},
    {"too large for parameter `", "", "param-too-large", "parse_one"},
    {"invalid for parameter `", "", "param-invalid", "parse_one"},
    {"string parameter too long", "", "param-string-long", "param_set_charp"},
    {"can only take ", " arguments", "param-array-max", "param_array"},
    {"needs at least ", " arguments", "param-array-min", "param_array"},
    {"string doesn't fit in ", "", "param-string-fit", "param_set_copystring"},
    {"Setting dangerous option ", "tainting kernel", "param-dangerous-taint", "param_check_unsafe", kTaint},
    {"enabled irq's!", "", "param-irq", "parse_one"},
    // Allocation failures for huge images (mm/vmalloc.c warn_alloc texts)
    {"vmalloc error: size", "", "vmalloc-fail", "__vmalloc_node_range"},
    {"vmalloc: allocation failure", "", "vmalloc-fail", "__vmalloc_node_range"},
    {"execmem: unable to allocate memory", "", "execmem-fail", "execmem_vmalloc (6.12)"},
    // Signals besides the errno (kNotice): what a PASS can come with. Taken from every line of the
    // 6.1 and 6.12 cloud baselines that no row above classified.
    // dump_stack() without a crash (sysfs_warn_dup, warn_alloc, do_init_module's "suspiciously
    // returned"), and the header and trace of every report: dump_stack_print_info, show_trace_log_lvl.
    {"Call Trace:", "", "stack-dump", "show_trace_log_lvl", kNotice, kAtStart},
    {"CPU: ", " Comm: ", "stack-dump", "dump_stack_print_info", kNotice, kAtStart},
    {"Hardware name: ", "", "stack-dump", "dump_stack_print_info", kNotice, kAtStart},
    {"Tainted: [", "]=", "stack-dump", "dump_stack_print_info (6.12 taint legend)", kNotice, kAtStart},
    {"sysfs: cannot create duplicate filename", "", "sysfs-duplicate", "sysfs_warn_dup", kNotice},
    {"kobject_add_internal failed for", "", "kobject-add-failed", "kobject_add_internal", kNotice},
    {"attempted to be registered with empty name", "", "kobject-empty-name", "kobject_add_internal (WARN text)", kNotice},
    {"tried to init an initialized object", "", "kobject-reinit", "kobject_init", kNotice},
    {"missing return thunk: ", "", "missing-return-thunk", "apply_returns (WARN text)", kNotice},
    {"detected buffer overflow in ", "", "fortify-overflow", "__fortify_report / fortify_panic", kNotice},
    {"[ ftrace bug ]", "", "ftrace-bug", "ftrace_bug", kNotice},
    {"ftrace failed to modify", "", "ftrace-bug", "ftrace_bug", kNotice},
    {"ftrace faulted on modifying", "", "ftrace-bug", "ftrace_bug", kNotice},
    {"Initializing ftrace call sites", "", "ftrace-bug", "print_bug_type", kNotice},
    {"ftrace record flags: ", "", "ftrace-bug", "ftrace_bug", kNotice},
    {"expected tramp: ", "", "ftrace-bug", "ftrace_bug", kNotice},
    {"actual: ", "", "ftrace-bug", "print_ip_ins", kNotice, kAtStart},
    {"expected: ", "", "ftrace-bug", "print_ip_ins", kNotice, kAtStart},
    {"System may be vulnerable to spectre v2", "", "spectre-v2-module", "retpoline_module_ok", kNotice},
    {"Disabling lock debugging due to kernel taint", "", "lockdep-off-taint", "add_taint", kTaint},
    // Inside a report (kDetail): the lines around the frames and registers, and the memory
    // summary warn_alloc prints after its stack dump.
    {"------------[ cut here ]------------", "", "report-detail", "__warn_printk / report_bug", kDetail},
    {"---[ end trace ", "", "report-detail", "end_report / print_oops_end_marker", kDetail},
    {"Modules linked in:", "", "report-detail", "print_modules", kDetail, kAtStart},
    {"#PF: ", "", "report-detail", "show_fault_oops", kDetail, kAtStart},
    {"PGD ", " PUD ", "report-detail", "dump_pagetable", kDetail, kAtStart},
    {"PGD 0 ", "", "report-detail", "dump_pagetable", kDetail, kAtStart},
    {"note: ", " exited with irqs disabled", "report-detail", "make_task_dead", kDetail, kAtStart},
    {"note: ", " exited with preempt_count ", "report-detail", "make_task_dead", kDetail, kAtStart},
    {"Mem-Info:", "", "mem-info", "show_mem", kDetail, kAtStart},
    {"active_anon:", "", "mem-info", "show_free_areas", kDetail, kAtStart},
    {"Node ", "kB", "mem-info", "show_free_areas", kDetail, kAtStart},
    {"Node ", " hugepages_total=", "mem-info", "hugetlb_show_meminfo_node", kDetail, kAtStart},
    {"lowmem_reserve[]:", "", "mem-info", "show_free_areas", kDetail, kAtStart},
    {" total pagecache pages", "", "mem-info", "show_mem", kDetail},
    {" pages in swap cache", "", "mem-info", "show_swap_cache_info", kDetail},
    {"Free swap  = ", "", "mem-info", "show_swap_cache_info", kDetail, kAtStart},
    {"Total swap = ", "", "mem-info", "show_swap_cache_info", kDetail, kAtStart},
    {" pages RAM", "", "mem-info", "show_mem", kDetail},
    {" pages HighMem/MovableOnly", "", "mem-info", "show_mem", kDetail},
    {" pages reserved", "", "mem-info", "show_mem", kDetail},
    {" pages hwpoisoned", "", "mem-info", "show_mem", kDetail},
    // Not about the input (kNoise). The TSC clocksource watchdog prints when it switches, at
    // whatever case runs a few seconds after boot.
    {"clocksource: ", "", "clocksource", "clocksource_watchdog / timekeeping", kNoise, kAtStart},
    {"tsc: ", "", "clocksource", "arch/x86/kernel/tsc.c", kNoise, kAtStart},
    // A parse_args message ("`VALUE' too large for parameter `NAME'") cut at the printk line
    // limit loses its newline, so the kernel holds the record open for a continuation and
    // readers see it with the next printk: in the log of a later case, not of its own.
    {": `", "", "param-message-cut", "parse_args (record cut at the printk line limit)", kNoise},
    // corpus/modules: the seed modules' own pr_info/pr_warn lines (the loader's lines about a
    // seed, "mh_sentinel: loading out-of-tree module...", match the rows above first).
    {"mh_", ": loaded", "seed-output", "corpus/modules (module init)", kNoise, kAtStart},
    {"mh_", ": unloaded", "seed-output", "corpus/modules (module exit)", kNoise, kAtStart},
    {"mh_params: ival=", "", "seed-output", "corpus/modules/params", kNoise, kAtStart},
    {"mh_consumer: value=", "", "seed-output", "corpus/modules/consumer", kNoise, kAtStart},
    {"mh_provider: symbol_get caller reached", "", "seed-output", "corpus/modules/provider", kNoise, kAtStart},
    {"mh_hang: init sleeping forever", "", "seed-output", "corpus/modules/hang", kNoise, kAtStart},
    {"mh_oom: allocation failed after", "", "seed-output", "corpus/modules/oom", kNoise, kAtStart},
    {"mh_flood: line ", "", "seed-output", "corpus/modules/flood", kNoise, kAtStart},
    {"mh_paramoops: deeper than", "", "seed-output", "corpus/modules/paramoops", kNoise, kAtStart},
    {"mh_", " payload bytes, page checksum ", "seed-output", "corpus/modules/big", kNoise, kAtStart},
};

}  // namespace

std::span<const ModuleLogPattern> module_log_patterns() { return kModuleLogPatterns; }

LogClass classify_module_log(std::string_view line) {
    if (std::optional<CrashKind> kind = crash_start_kind(line); kind.has_value())
        return {"kernel-" + std::string(crash_kind_name(*kind)), LogRole::kCheck};
    std::string clean;
    clean_line(line, clean);
    std::string_view msg = strip_console_prefix(clean);
    std::string_view opened = msg.substr(std::min(msg.find_first_not_of(" \t"), msg.size()));
    for (const ModuleLogPattern& p : kModuleLogPatterns) {
        std::size_t at = p.at_start ? (opened.substr(0, p.needle.size()) == p.needle ? 0 : std::string_view::npos) : msg.find(p.needle);
        if (at == std::string_view::npos) continue;
        if (!p.also.empty() && msg.find(p.also) == std::string_view::npos) continue;
        return {std::string(p.log_class), p.role};
    }
    // Shapes rather than texts: frames and registers carry no fixed words.
    if (is_stack_trace_line(msg)) return {"stack-frame", LogRole::kDetail};
    if (is_register_dump_line(msg)) return {"stack-regs", LogRole::kDetail};
    return {};
}

std::string classify_module_log_line(std::string_view line) { return classify_module_log(line).name; }

}  // namespace mh::kernel_log
