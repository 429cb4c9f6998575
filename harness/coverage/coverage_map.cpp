// The KCOV coverage map of the module loader: every __sanitizer_cov_trace_pc site of kernel/module/*.o in vmlinux, with its source line.
#include "harness/coverage/coverage_map.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/coverage/coverage_cache.h"
#include "harness/coverage/coverage_placement.h"
#include "harness/coverage/coverage_tool_output.h"
#include "harness/kernels/fuzz_kernel.h"

namespace mh::coverage {
namespace fs = std::filesystem;
namespace {

// Disassembling a gap between two placed ranges costs less than another objdump start (which
// reads vmlinux's symbol table each time); calls found in a gap are dropped anyway.
constexpr std::uint64_t kMergeGap = 64 * 1024;

// KASAN's per-object global (un)registration constructors: compiler generated, identical in
// every object, run at boot (ctor) or never (dtor, built-in code).
bool is_excluded_section(const std::string& s) { return s == ".text.startup" || s == ".text.exit"; }
// __init code runs once at boot, before userspace exists to enable KCOV.
bool is_boot_only_section(const std::string& s) { return s.starts_with(".init"); }

// A loader function placed in vmlinux.
struct Placed {
    std::uint64_t start = 0, end = 0;
    std::string object, section, symbol;
};

Expected<LoaderSites> build_sites(const fs::path& tree, const fs::path& vmlinux) {
    MH_TRY_ASSIGN(objects, kernels::loader_objects(tree));

    MH_TRY_ASSIGN(vmlinux_table, kernels::binutils_output({"objdump", "-t", vmlinux.string()}));
    const SymbolIndex index = index_symbols(parse_function_symbols(vmlinux_table));
    if (index.empty()) return make_error("'" + vmlinux.string() + "' has no function symbols (stripped?)");

    LoaderSites out;
    out.build_tree = tree;
    std::vector<Placed> placed;
    std::map<std::pair<std::string, std::string>, int> expected;  // (object, section) -> relocations
    for (const auto& o : objects) {
        const std::string obj = o.filename().string();
        MH_TRY_ASSIGN(table, kernels::binutils_output({"objdump", "-t", o.string()}));
        MH_TRY_ASSIGN(disasm, kernels::binutils_output({"objdump", "-dr", o.string()}));
        const auto symbols = parse_function_symbols(table);
        for (const auto& [section, n] : count_relocs_by_section(disasm)) {
            if (is_excluded_section(section)) {
                out.constructor_calls_per_object[obj] += n;
                continue;
            }
            expected[{obj, section}] = n;
            std::vector<FunctionSymbol> in_section;
            for (const auto& s : symbols)
                if (s.section == section && s.size > 0) in_section.push_back(s);
            MH_TRY_ASSIGN(base, place_section(obj + " section " + section, in_section, index));
            for (const auto& s : in_section) placed.push_back({base + s.value, base + s.value + s.size, obj, section, s.name});
        }
    }
    if (placed.empty())
        return make_error("no __sanitizer_cov_trace_pc calls in '" + (tree / "kernel" / "module").string() +
                          "': the loader is not built with KCOV");
    std::sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) { return a.start < b.start; });
    for (std::size_t i = 1; i < placed.size(); ++i)
        if (placed[i].start < placed[i - 1].end)
            return make_error("placed functions overlap in vmlinux: " + placed[i - 1].symbol + " and " + placed[i].symbol);

    // Disassemble the placed ranges of vmlinux, merged where they are close.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    for (const auto& p : placed) {
        if (!ranges.empty() && p.start <= ranges.back().second + kMergeGap)
            ranges.back().second = std::max(ranges.back().second, p.end);
        else
            ranges.emplace_back(p.start, p.end);
    }
    std::map<std::pair<std::string, std::string>, int> found;
    for (const auto& [start, stop] : ranges) {
        MH_TRY_ASSIGN(text, kernels::binutils_output({"objdump", "-d", "--no-show-raw-insn", "--start-address=" + hex(start),
                                                      "--stop-address=" + hex(stop), vmlinux.string()}));
        MH_TRY_ASSIGN(calls, parse_kcov_calls(text));
        for (const auto& c : calls) {
            auto it = std::upper_bound(placed.begin(), placed.end(), c.call, [](std::uint64_t a, const Placed& p) { return a < p.start; });
            if (it == placed.begin()) continue;
            const Placed& p = *std::prev(it);
            if (c.call >= p.end) continue;  // in a gap: another file's code
            ++found[{p.object, p.section}];
            if (c.tail) {
                ++out.tail_calls_per_object[p.object];
                continue;
            }
            LoaderSite s;
            s.pc = c.pc;
            s.call = c.call;
            s.object = p.object;
            s.symbol = p.symbol;
            s.boot_only = is_boot_only_section(p.section);
            out.sites.push_back(std::move(s));
        }
    }
    if (found != expected) {
        std::string diff;
        for (const auto& [k, n] : expected) {
            int f = found.count(k) ? found.at(k) : 0;
            if (f != n)
                diff += " " + k.first + " " + k.second + ": " + std::to_string(f) + " in vmlinux, " + std::to_string(n) + " in the object;";
        }
        return make_error("KCOV sites in vmlinux do not match the objects' relocations:" + diff + " the tree is inconsistent (rebuild it)");
    }
    std::sort(out.sites.begin(), out.sites.end(), [](const LoaderSite& a, const LoaderSite& b) { return a.pc < b.pc; });
    for (const auto& s : out.sites) ++out.mapped_per_object[s.object];

    // One addr2line run for every call address, answers in input order.
    std::vector<std::string> argv = {"addr2line", "-a", "-f", "-i", "-e", vmlinux.string()};
    for (const auto& s : out.sites) argv.push_back(hex(s.call));
    MH_TRY_ASSIGN(a2l_text, kernels::binutils_output(argv));
    MH_TRY_ASSIGN(symbolised, parse_addr2line(a2l_text));
    if (symbolised.size() != out.sites.size())
        return make_error("addr2line answered " + std::to_string(symbolised.size()) + " addresses for " + std::to_string(out.sites.size()));
    const std::string root = infer_source_root(symbolised);
    for (std::size_t i = 0; i < out.sites.size(); ++i) {
        if (symbolised[i].address != out.sites[i].call)
            return make_error("addr2line answered " + hex(symbolised[i].address) + " where " + hex(out.sites[i].call) + " was asked");
        out.sites[i].frames = std::move(symbolised[i].frames);
        relativize_frames(out.sites[i].frames, root);
    }
    return out;
}

}  // namespace

Expected<LoaderSites> load_loader_sites(const fs::path& build_tree, const LoadSitesOptions& options) {
    const fs::path vmlinux = build_tree / "vmlinux";
    std::error_code ec;
    if (!fs::is_regular_file(vmlinux, ec))
        return make_error("no vmlinux in '" + build_tree.string() +
                          "': a coverage map needs the build tree of a kernel built with KCOV and debug info "
                          "(modharness kernel build-fuzz)");
    MH_TRY_ASSIGN(key, site_cache_key(vmlinux));
    const fs::path cache = options.cache_file.empty() ? build_tree / std::string(kSiteCacheFile) : options.cache_file;
    if (options.use_cache) {
        if (auto text = read_text_file(cache); text.ok()) {
            if (auto cached = sites_from_tsv(*text, key); cached.ok()) {
                cached->build_tree = build_tree;
                return std::move(*cached);
            }
        }
    }
    MH_TRY_ASSIGN(sites, build_sites(build_tree, vmlinux));
    // A read-only tree still gets its map, only without the speed-up next time.
    (void)write_file_atomic(cache, sites_to_tsv(sites, key));
    return sites;
}

}  // namespace mh::coverage
