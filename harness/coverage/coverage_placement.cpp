// Where the linker put each section of a kernel/module object inside vmlinux, found from function symbols alone.
#include "harness/coverage/coverage_placement.h"

#include <algorithm>
#include <set>

namespace mh::coverage {

SymbolIndex index_symbols(const std::vector<FunctionSymbol>& vmlinux_symbols) {
    SymbolIndex index;
    for (const auto& s : vmlinux_symbols) index[s.name].push_back(s);
    return index;
}

Expected<std::uint64_t> place_section(const std::string& what, const std::vector<FunctionSymbol>& section_symbols,
                                      const SymbolIndex& vmlinux) {
    // Candidates of each symbol: vmlinux entries of the same name and size.
    std::vector<std::pair<const FunctionSymbol*, std::set<std::uint64_t>>> candidates;
    for (const auto& s : section_symbols) {
        if (s.weak) continue;
        std::set<std::uint64_t> at;
        if (auto it = vmlinux.find(s.name); it != vmlinux.end())
            for (const auto& v : it->second)
                if (v.size == s.size && v.value >= s.value) at.insert(v.value);
        if (at.empty())
            return make_error(what + ": function '" + s.name + "' (size " + std::to_string(s.size) +
                              ") is not in vmlinux: the object and vmlinux are from different builds");
        candidates.emplace_back(&s, std::move(at));
    }
    if (candidates.empty()) return make_error(what + ": no (non-weak) function symbols to place it by");
    // Start from the rarest name: usually unique, so one candidate base to check.
    std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
    std::vector<std::uint64_t> bases;
    for (std::uint64_t addr : candidates.front().second) bases.push_back(addr - candidates.front().first->value);
    for (std::size_t i = 1; i < candidates.size() && !bases.empty(); ++i) {
        const auto& [sym, at] = candidates[i];
        std::erase_if(bases, [&](std::uint64_t b) { return at.count(b + sym->value) == 0; });
    }
    if (bases.empty())
        return make_error(what + ": no load address agrees with all " + std::to_string(candidates.size()) +
                          " function symbols: the object and vmlinux are from different builds");
    if (bases.size() > 1)
        return make_error(what + ": " + std::to_string(bases.size()) + " load addresses fit its " + std::to_string(candidates.size()) +
                          " function symbol(s); cannot tell which copy is this object's");
    return bases.front();
}

}  // namespace mh::coverage
