// The KCOV coverage map of the module loader: every __sanitizer_cov_trace_pc site of kernel/module/*.o in vmlinux, with its source line.
#pragma once

#include <filesystem>

#include "harness/common/expected.h"
#include "harness/coverage/coverage_sites.h"

namespace mh::coverage {

struct LoadSitesOptions {
    bool use_cache = true;  // false: always rebuild (the cache is still rewritten)
    std::filesystem::path cache_file;  // empty: <build_tree>/modharness-loader-sites.tsv
};

// The loader's KCOV sites of the kernel built in `build_tree` (needs vmlinux with debug info and
// kernel/module/*.o; binutils' objdump and addr2line). From the cache file when it matches
// vmlinux (about 1 ms), else built (0.2-0.4 s with vmlinux in the page cache) and cached; an unwritable cache is not an error.
//
// How: each object's function symbols (objdump -t) place its sections in vmlinux
// (place_section); those ranges of vmlinux are disassembled (objdump -d --no-show-raw-insn) and
// each `call <__sanitizer_cov_trace_pc>` gives a site whose PC is the next instruction's
// address, which is what KCOV records (kcov.c: canonicalize_ip(_RET_IP_); KASLR offsets are
// already subtracted there, and these kernels have none: CONFIG_RELOCATABLE=n). All call
// addresses are then symbolised by ONE `addr2line -a -f -i` run.
//
// Checked, or an error: per object and section, the calls and tail jumps found in vmlinux equal
// the relocations against __sanitizer_cov_trace_pc in the object (kernels::count_kcov_sites' rule).
// Tail calls and KASAN's generated constructors are counted per object but not mapped (see
// LoaderSites for why).
Expected<LoaderSites> load_loader_sites(const std::filesystem::path& build_tree, const LoadSitesOptions& options = {});

}  // namespace mh::coverage
