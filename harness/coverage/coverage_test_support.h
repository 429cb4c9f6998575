// Test support for the coverage code: a small hand-made site map covering each attribution case.
#pragma once

#include "harness/coverage/coverage_sites.h"

namespace mh::coverage::coverage_testing {

// Six sites: two on one line of an inlined main.c helper, one in a header inlined into
// load_module, one in __init code, one in a header function compiled out of line into main.o,
// one without debug info.
inline LoaderSites sample_sites() {
    coverage::LoaderSites s;
    s.build_tree = "/nonexistent-tree";
    auto site = [&](std::uint64_t pc, const char* obj, const char* sym, bool boot, std::vector<coverage::SourceFrame> frames) {
        coverage::LoaderSite x;
        x.pc = pc;
        x.call = pc - 5;
        x.object = obj;
        x.symbol = sym;
        x.boot_only = boot;
        x.frames = std::move(frames);
        s.sites.push_back(std::move(x));
        ++s.mapped_per_object[obj];
    };
    site(0x100, "main.o", "load_module", false,
         {{"elf_validity_ehdr", "kernel/module/main.c", 2}, {"load_module", "kernel/module/main.c", 4}});
    site(0x110, "main.o", "load_module", false,
         {{"elf_validity_ehdr", "kernel/module/main.c", 2}, {"load_module", "kernel/module/main.c", 4}});
    site(0x120, "main.o", "load_module", false, {{"list_add", "include/linux/list.h", 169}, {"load_module", "kernel/module/main.c", 4}});
    site(0x130, "decompress.o", "module_decompress_sysfs_init", true, {{"module_decompress_sysfs_init", "kernel/module/decompress.c", 1}});
    site(0x140, "main.o", "kobj_helper", false, {{"kobj_helper", "include/linux/kobject.h", 50}});
    site(0x150, "sysfs.o", "show_x.isra.0", false, {{"??", "??", 0}});
    s.tail_calls_per_object = {{"main.o", 3}, {"kmod.o", 1}};
    s.constructor_calls_per_object = {{"main.o", 2}, {"decompress.o", 2}};
    return s;
}

}  // namespace mh::coverage::coverage_testing
