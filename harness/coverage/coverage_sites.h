// The loader's KCOV site map as data: every __sanitizer_cov_trace_pc call of kernel/module/*.o in vmlinux.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mh::coverage {

// One frame of addr2line's answer for an address.
struct SourceFrame {
    std::string function;  // "??" when the debug info has none
    std::string file;  // relative to the kernel tree when inside it: "kernel/module/main.c"
    int line = 0;  // 0 when unknown
    bool operator==(const SourceFrame&) const = default;
};

// One instrumented point of the loader.
struct LoaderSite {
    std::uint64_t pc = 0;  // what KCOV_TRACE_PC records: the call's return address (next instruction)
    std::uint64_t call = 0;  // the call instruction itself; symbolised instead of `pc`, because the
        // return address can already belong to the next source line or inline frame
    std::string object;  // "main.o" (kernel/module/main.o)
    std::string symbol;  // the vmlinux function symbol holding the site: "load_module", "free_mod_mem.isra.0"
    bool boot_only = false;  // in an __init section: runs once at boot, before any fuzzer can enable KCOV
    std::vector<SourceFrame> frames;  // addr2line -i order: innermost (the inlined code) first, outermost last

    // The frame the report attributes the site to: the innermost frame whose file is loader
    // source (kernel/module/...), so a site in an inlined helper of main.c counts for that helper
    // and a site in an inlined header function (list_add) counts for the loader line that calls
    // it. Falls back to the outermost frame (a header function compiled out of line into a loader
    // object) and, without debug info, to {symbol, kernel/module/<object>.c, 0}.
    SourceFrame attributed() const;
};

// The site map of one kernel build.
struct LoaderSites {
    std::filesystem::path build_tree;
    std::vector<LoaderSite> sites;  // sorted by pc, pcs unique
    // Per object (as count_kcov_sites names them), every __sanitizer_cov_trace_pc call is one of:
    //  - mapped: a call whose return address KCOV records, in `sites`;
    //  - a tail call (`jmp __sanitizer_cov_trace_pc`, when a function's last block is only the
    //    hook): KCOV then records the return address in whoever called the function, which no
    //    fixed PC identifies, so these are left out of the map and the ceiling;
    //  - in KASAN's compiler-generated global (un)registration constructors (.text.startup /
    //    .text.exit, one each per object): not loader code, never run after boot, and no symbol
    //    tells one object's copy from another's.
    // mapped + tail + constructor equals kernels::count_kcov_sites() for every object (checked).
    std::map<std::string, int> mapped_per_object;
    std::map<std::string, int> tail_calls_per_object;
    std::map<std::string, int> constructor_calls_per_object;
    bool from_cache = false;

    int mapped_total() const;
    int tail_calls_total() const;
    int constructor_calls_total() const;
    int boot_only_total() const;
};

// kernel/module/<stem>.c for "main.o".
std::string object_source_file(const std::string& object);

}  // namespace mh::coverage
