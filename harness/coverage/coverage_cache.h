// The site map's cache file beside vmlinux: TSV keyed by vmlinux's size and mtime, so a later load takes milliseconds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "harness/common/expected.h"
#include "harness/coverage/coverage_sites.h"

namespace mh::coverage {

inline constexpr std::string_view kSiteCacheFormat = "modharness.loader-sites/1";
inline constexpr std::string_view kSiteCacheFile = "modharness-loader-sites.tsv";

// A rebuilt kernel rewrites vmlinux, which changes its mtime (and nearly always its size).
struct SiteCacheKey {
    std::uintmax_t vmlinux_size = 0;
    std::int64_t vmlinux_mtime_ns = 0;
    bool operator==(const SiteCacheKey&) const = default;
};

Expected<SiteCacheKey> site_cache_key(const std::filesystem::path& vmlinux);

// Lines of tab-separated fields:
//   format  modharness.loader-sites/1
//   key     <vmlinux size> <vmlinux mtime ns>
//   object  <name> <mapped> <tail calls> <constructor calls>
//   site    <pc hex> <call hex> <object> <symbol> <boot_only 0|1> <frame>...
// a frame being "<function> <file> <line>" with function and file percent-escaped (kv_escape).
std::string sites_to_tsv(const LoaderSites& sites, const SiteCacheKey& key);

// The map a cache file holds (build_tree left empty). An error when the text is malformed, of
// another format or for another key (a stale cache): the caller then rebuilds the map.
Expected<LoaderSites> sites_from_tsv(std::string_view text, const SiteCacheKey& expected);

}  // namespace mh::coverage
