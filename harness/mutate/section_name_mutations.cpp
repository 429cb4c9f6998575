// Section-name dictionary mutation (see section_name_mutations.h).
#include "harness/mutate/section_name_mutations.h"

#include <string_view>

#include "harness/elf/elf64.h"
#include "harness/elf/malform/rows.h"
#include "harness/elf/reader.h"

namespace mh::mutate {

namespace {

// Names kernel/module/main.c (find_module_sections, layout, percpu, modinfo, versions), the x86
// module_finalize and kallsyms care about.
constexpr std::string_view kNames[] = {
    ".ctors",
    ".init_array",
    "__obsparm",
    "__param",
    "__ksymtab",
    "__ksymtab_gpl",
    "__kcrctab",
    "__kcrctab_gpl",
    "__ksymtab_strings",
    ".data..percpu",
    ".modinfo",
    "__versions",
    ".gnu.linkonce.this_module",
    "__ex_table",
    ".altinstructions",
    "__jump_table",
    ".static_call_sites",
    "__tracepoints_ptrs",
    "__bug_table",
    ".init.text",
    ".exit.text",
    ".init.data",
    ".note.gnu.build-id",
    "__dyndbg",
    ".orc_unwind",
    ".orc_unwind_ip",
    ".BTF",
    "__kunit_suites",
    ".printk_index",
    "__mcount_loc",
    ".symtab",
    ".strtab",
    ".rodata",
    ".text",
    ".data",
    ".bss",
    ".exit.data",
    ".parainstructions",
    ".retpoline_sites",
    ".return_sites",
    ".call_sites",
    ".ibt_endbr_seal",
    ".smp_locks",
    "_ftrace_events",
    "__trace_printk_fmt",
    "__kprobes",
    "_error_injection_whitelist",
    ".static_call.text",
    ".data..ro_after_init",
};
constexpr size_t kCount = sizeof kNames / sizeof kNames[0];

}  // namespace

size_t section_name_dictionary_size() { return 2 * kCount; }

uint16_t mutate_section_name(std::vector<uint8_t>& image, elf::malform::Rng& rng) {
    const auto id = static_cast<uint16_t>(rng.below(2 * kCount));
    return apply_section_name(image, id, rng.next()) ? id : kNoSectionNameMutation;
}

bool apply_section_name(std::vector<uint8_t>& image, uint16_t id, uint64_t seed) {
    if (id >= 2 * kCount) return false;
    elf::malform::Rng rng(seed);
    elf::ApplyFn edit;
    std::string from;  // rename_section keeps a view of it
    if (id >= kCount) {
        // Empty: the loader's lookups see the name and find zero entries, so nothing is called
        // through it (an 8-byte .init_array would be a NULL constructor).
        edit = elf::malform::append_section_row(kNames[id - kCount], elf::kShtProgbits, elf::kShfAlloc | elf::kShfWrite, {});
    } else {
        auto view = elf::ElfView::parse(image);
        if (!view || view->section_count() < 2) return false;
        auto name = view->section_name(1 + rng.below(view->section_count() - 1));
        if (!name || name->empty()) return false;
        from = std::string(*name);
        edit = elf::malform::rename_section(from, kNames[id]);
    }
    auto out = edit(image, rng.next());
    if (!out) return false;
    image = std::move(*out);
    return true;
}

std::string section_name_mutation_name(uint16_t id) {
    if (id >= 2 * kCount) return "#" + std::to_string(id);
    return id >= kCount ? "+" + std::string(kNames[id - kCount]) : std::string(kNames[id]);
}

}  // namespace mh::mutate
