// Counting reached loader sites fast: what a fuzz campaign calls after every batch to draw its coverage curve.
#include "harness/coverage/coverage_count.h"

namespace mh::coverage {

LoaderSiteSet::LoaderSiteSet(const LoaderSites& sites) {
    pcs_.reserve(sites.sites.size());
    for (const auto& s : sites.sites) pcs_.insert(s.pc);
}

std::size_t LoaderSiteSet::count_reached(const PcSet& reached) const {
    const PcSet& small = reached.size() < pcs_.size() ? reached : pcs_;
    const PcSet& large = reached.size() < pcs_.size() ? pcs_ : reached;
    std::size_t n = 0;
    for (std::uint64_t pc : small) n += large.count(pc);
    return n;
}

std::size_t LoaderSiteSet::add_reached(std::span<const std::uint64_t> pcs, PcSet& reached) const {
    std::size_t added = 0;
    for (std::uint64_t pc : pcs)
        if (contains(pc) && reached.insert(pc).second) ++added;
    return added;
}

std::size_t count_reached_sites(const LoaderSites& sites, const PcSet& reached) {
    std::size_t n = 0;
    for (const auto& s : sites.sites) n += reached.count(s.pc);
    return n;
}

}  // namespace mh::coverage
