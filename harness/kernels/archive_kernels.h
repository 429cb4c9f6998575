// The kernel builds Debian's archive offers: one entry per release, from `apt-cache pkgnames` and `apt-cache show`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/kernels/debian_packages.h"

namespace mh::kernels {

// The parts of a Debian kernel release (uname -r).
struct ReleaseParts {
    std::string abi;  // "6.1.0-50", "6.12.117+deb12": the build, without the flavour
    std::string line;  // "6.1", "6.12"
    std::string flavour;  // "cloud-amd64", "amd64", "rt-amd64"
};
// "6.1.0-50-cloud-amd64" -> {"6.1.0-50", "6.1", "cloud-amd64"};
// "6.12.117+deb12-cloud-amd64" -> {"6.12.117+deb12", "6.12", "cloud-amd64"}; nullopt when `release`
// is not of that form (a user's kernel, the fuzz kernel).
std::optional<ReleaseParts> parse_release(std::string_view release);

// One stanza of `apt-cache show` output (the fields used here).
struct AptPackageInfo {
    std::string package;
    std::string version;  // Debian version, "6.1.170-3"
    std::string description;
    std::uint64_t size = 0;  // the .deb, bytes ("Size:")
    std::uint64_t installed_kib = 0;  // "Installed-Size:", KiB
};
// Stanzas are separated by blank lines; continuation lines (" ...") and other fields are skipped;
// a stanza without Package or Version is left out.
std::vector<AptPackageInfo> parse_apt_show(std::string_view text);

// The versioned kernel image and headers packages among `apt-cache pkgnames` output lines (no
// meta packages, no -dbg): what list_archive_kernels asks `apt-cache show` about.
std::vector<std::string> versioned_kernel_packages(std::string_view pkgnames_output);

// One kernel build the archive offers.
struct ArchiveKernel {
    std::string release;  // "6.1.0-50-cloud-amd64"
    ReleaseParts parts;
    std::string image_package;  // the -unsigned image when the archive has it, else the signed one
    std::string version;  // the image package's Debian version, "6.1.170-3"
    std::string upstream;  // "6.1.170"
    std::uint64_t image_bytes = 0;  // download size of the image package
    std::uint64_t headers_bytes = 0;  // of linux-headers-<release> (0 when absent)
    bool headers = false;  // linux-headers-<release> is in the archive: seed modules can be built
    // modharness can test it: an image and headers (the suite's seed modules need headers).
    bool usable() const { return headers && !image_package.empty(); }
};

// The builds described by `apt-cache show` stanzas of image and headers packages, one entry per
// release with an image, ordered by line, flavour and then Debian version (dpkg order).
std::vector<ArchiveKernel> archive_kernels_from(const std::vector<AptPackageInfo>& packages);

// Asks apt (package lists on this machine; no download): pkgnames of linux-image- and
// linux-headers-, then one `apt-cache show` of every versioned package listed. Errors are environment errors.
Expected<std::vector<ArchiveKernel>> list_archive_kernels(const AptAccess& apt);

// True when `a` is ordered before `b` as archive_kernels_from orders them.
bool archive_order_less(const ArchiveKernel& a, const ArchiveKernel& b);

}  // namespace mh::kernels
