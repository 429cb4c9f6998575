// `modharness cover`: KCOV coverage of the module loader by a set of reached PCs (summary, tables, HTML, JSON).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/number_option.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/coverage/coverage_html.h"
#include "harness/coverage/coverage_map.h"
#include "harness/coverage/coverage_pcs.h"
#include "harness/coverage/coverage_report.h"
#include "harness/kernels/fuzz_kernel.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness cover [--kernel NAME | --build-tree DIR] [PCS_FILE] [--html FILE] [--json FILE] [--top N]\n"
    "\n"
    "How much of the module loader a set of KCOV PCs covers. The ceiling is every\n"
    "__sanitizer_cov_trace_pc call of kernel/module/*.o as linked into the kernel's vmlinux (the\n"
    "sites); a site is reached when its PC (the call's return address, which is what KCOV_TRACE_PC\n"
    "records) is in PCS_FILE. Prints the total, a per-file and a per-function table (most missed\n"
    "sites first). The site map is built from vmlinux with objdump and addr2line on first use\n"
    "(well under a second) and cached beside vmlinux. See docs/coverage.md.\n"
    "\n"
    "  PCS_FILE         one hex PC per line (0xffffffff81234567 or without 0x; '#' comments and\n"
    "                   blank lines allowed; '-' = stdin). Without it: the ceiling, nothing reached\n";

constexpr const char* kExitCodes =
    "\n"
    "exit codes: 0 ok, 2 usage or unreadable/garbled PCs file, 3 no such kernel, no build tree /\n"
    "vmlinux, or binutils missing, 4 an output file could not be written\n";

std::vector<OptionSpec> cover_options() {
    return {
        {"kernel", "NAME",
         "a cached kernel built with KCOV and debug info (default fuzz-6.12; see\n"
         "modharness kernel build-fuzz)"},
        {"build-tree", "DIR", "a kernel build tree holding vmlinux and kernel/module/*.o instead"},
        {"html", "FILE",
         "also write a self-contained HTML page: tables + the loader sources, lines\n"
         "coloured reached / partly / unreached"},
        {"json", "FILE", "also write JSON (schema modharness.coverage/1, every site); '-' = stdout instead of text"},
        {"top", "N", "only the N functions with the most missed sites in the text table (1..1000000)"},
        {"rebuild", "", "rebuild the site map even if its cache matches vmlinux"},
        {"help", "", ""},
    };
}

}  // namespace

int cmd_cover(const Args& args) {
    const auto specs = cover_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("cover", p.error());
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 19);
        std::fputs(kExitCodes, stdout);
        return kExitOk;
    }
    if (p->positionals.size() > 1)
        return report_error(
            "cover", usage_error("expected at most one PCS_FILE, got " + std::to_string(p->positionals.size()) + " arguments; see --help"));
    if (p->has("kernel") && p->has("build-tree")) return report_error("cover", usage_error("give --kernel or --build-tree, not both"));
    auto top = number_option<std::size_t>(*p, "top", 0, 1, 1000000);
    if (!top) return report_error("cover", top.error());

    // The PCs first: a garbled file is the user's to fix and should not wait for the site map.
    coverage::PcSet reached;
    if (!p->positionals.empty()) {
        const std::string& file = p->positionals[0];
        // Two named results instead of a ?: temporary: GCC 12 misreads the latter's destruction
        // as freeing a non-heap object (-Wfree-nonheap-object).
        Expected<coverage::PcSet> pcs = coverage::PcSet{};
        if (file == "-")
            pcs = coverage::parse_pcs(read_text_file("/dev/stdin").value_or(""), "<stdin>");
        else
            pcs = coverage::read_pcs_file(file);
        if (!pcs) return report_error("cover", pcs.error());
        reached.swap(pcs.value());
    }

    // Ctrl-C stops objdump (building the site map of a new tree can take a while) and exits 130.
    install_interrupt_flag();
    std::filesystem::path tree;
    if (auto bt = p->get("build-tree")) {
        tree = *bt;
    } else {
        const std::string name = p->get_or("kernel", std::string(kernels::kFuzzKernelName));
        auto k = kernels::resolve_kernel(name, /*fetch=*/false);
        if (!k) return report_error("cover", k.error());
        if (k->build_tree.empty())
            return report_error("cover", environment_error("kernel '" + name +
                                                           "' has no build tree; coverage needs a kernel built with KCOV and debug info "
                                                           "(modharness kernel build-fuzz, then --kernel fuzz-6.12) or --build-tree DIR"));
        tree = k->build_tree;
    }

    coverage::LoadSitesOptions lo;
    lo.use_cache = !p->has("rebuild");
    auto t0 = std::chrono::steady_clock::now();
    auto sites = coverage::load_loader_sites(tree, lo);
    // The site map needs vmlinux, objdump and addr2line: whatever fails there is the machine's.
    if (!sites) return report_error("cover", with_default_kind(sites.error(), ErrorKind::kEnvironment));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "site map: %d loader sites (%s, %.2f s)\n", sites->mapped_total(), sites->from_cache ? "cached" : "built",
                 seconds);

    const coverage::CoverageReport report = coverage::coverage_report(*sites, reached);
    auto json_out = p->get("json");
    if (json_out && *json_out == "-") {
        std::fputs(coverage::coverage_json(report, *sites, reached).c_str(), stdout);
    } else {
        std::fputs(coverage::coverage_text(report, *top).c_str(), stdout);
        if (json_out)
            if (auto w = write_file_atomic(*json_out, coverage::coverage_json(report, *sites, reached)); !w)
                return report_error("cover", w.error());
    }
    if (auto html = p->get("html"))
        if (auto w = write_file_atomic(*html, coverage::coverage_html(report, *sites, reached)); !w)
            return report_error("cover", w.error());
    std::fflush(stdout);
    return kExitOk;
}

}  // namespace mh::cli
