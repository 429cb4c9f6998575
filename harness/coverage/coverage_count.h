// Counting reached loader sites fast: what a fuzz campaign calls after every batch to draw its coverage curve.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_set>

#include "harness/coverage/coverage_pcs.h"
#include "harness/coverage/coverage_sites.h"

namespace mh::coverage {

// The loader's site PCs as a hash set. Build it once per campaign; then each KCOV PC costs one
// lookup, whether PCs come as a set or straight from a guest's KCOV buffer.
class LoaderSiteSet {
public:
    explicit LoaderSiteSet(const LoaderSites& sites);

    bool contains(std::uint64_t pc) const { return pcs_.count(pc) != 0; }
    std::size_t size() const { return pcs_.size(); }

    // Loader sites in `reached` (walks the smaller of the two sets).
    std::size_t count_reached(const PcSet& reached) const;
    // Adds the loader sites among `pcs` (a raw KCOV buffer: repeats allowed) to `reached`;
    // returns how many were new.
    std::size_t add_reached(std::span<const std::uint64_t> pcs, PcSet& reached) const;

private:
    PcSet pcs_;
};

// One-shot count, without building a LoaderSiteSet: one lookup in `reached` per site.
std::size_t count_reached_sites(const LoaderSites& sites, const PcSet& reached);

}  // namespace mh::coverage
