// Debian package version order (dpkg --compare-versions): kernel sets are ordered by it.
#pragma once

#include <string_view>

namespace mh::kernels {

// <0, 0, >0 as `a` sorts before, equal to, after `b` in dpkg's order: epoch, then upstream
// version, then Debian revision; within each, non-digit runs compare with '~' before everything
// (also the end), letters before other characters, and digit runs compare as numbers
// ("6.1.0-50" < "6.1.0-100", "6.12.117-1~deb12u1" < "6.12.117-1").
int compare_debian_versions(std::string_view a, std::string_view b);

// compare_debian_versions(a, b) < 0, for std::sort.
inline bool debian_version_less(std::string_view a, std::string_view b) { return compare_debian_versions(a, b) < 0; }

}  // namespace mh::kernels
