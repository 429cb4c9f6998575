#include "harness/campaign/delta_debug.h"

#include <algorithm>
#include <set>

namespace mh::campaign {

namespace {

std::vector<std::vector<size_t>> split(const std::vector<size_t>& set, size_t parts) {
    std::vector<std::vector<size_t>> out;
    const size_t n = set.size();
    for (size_t i = 0, begin = 0; i < parts; ++i) {
        const size_t end = begin + (n - begin) / (parts - i);
        out.emplace_back(set.begin() + static_cast<std::ptrdiff_t>(begin), set.begin() + static_cast<std::ptrdiff_t>(end));
        begin = end;
    }
    return out;
}

std::vector<size_t> minus(const std::vector<size_t>& set, const std::vector<size_t>& part) {
    std::vector<size_t> out;
    std::set_difference(set.begin(), set.end(), part.begin(), part.end(), std::back_inserter(out));
    return out;
}

}  // namespace

Expected<DdminResult> ddmin(size_t n, const BatchTester& test, int max_batches) {
    DdminResult r;
    for (size_t i = 0; i < n; ++i) r.kept.push_back(i);
    std::set<std::vector<size_t>> passed;  // ran without keeping the failure: never asked again
    // Runs `cands` (dropping known passes) until one fails or all ran; returns the failing one.
    auto run = [&](std::vector<std::vector<size_t>> cands) -> Expected<std::optional<std::vector<size_t>>> {
        std::erase_if(cands, [&](const auto& c) { return passed.count(c) > 0; });
        while (!cands.empty()) {
            if (r.batches >= max_batches) {
                r.exhausted = true;
                return std::optional<std::vector<size_t>>{};
            }
            ++r.batches;
            auto out = test(cands);
            if (!out) return out.error();
            if (out->failing && *out->failing < cands.size()) return std::optional{cands[*out->failing]};
            const size_t ran = std::max<size_t>(1, std::min(out->ran, cands.size()));  // always progress
            for (size_t i = 0; i < ran; ++i) passed.insert(cands[i]);
            cands.erase(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(ran));
        }
        return std::optional<std::vector<size_t>>{};
    };
    if (n == 0) return r;
    MH_TRY_ASSIGN(none, run({{}}));
    if (none) {
        r.kept.clear();
        return r;
    }
    size_t granularity = 2;
    while (r.kept.size() >= 2 && !r.exhausted) {
        const auto chunks = split(r.kept, std::min(granularity, r.kept.size()));
        std::vector<std::vector<size_t>> cands = chunks;  // each chunk alone first: the biggest cut
        if (chunks.size() > 2)
            for (const auto& c : chunks) cands.push_back(minus(r.kept, c));
        MH_TRY_ASSIGN(failing, run(cands));
        if (failing) {
            const bool was_chunk = std::find(chunks.begin(), chunks.end(), *failing) != chunks.end();
            r.kept = *failing;
            granularity = was_chunk ? 2 : std::max<size_t>(granularity - 1, 2);
            continue;
        }
        if (granularity >= r.kept.size()) break;  // every single difference is needed
        granularity = std::min(granularity * 2, r.kept.size());
    }
    return r;
}

}  // namespace mh::campaign
