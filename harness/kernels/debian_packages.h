// Debian kernel package names: aliases, `apt-cache depends` parsing, alias -> package set resolution.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::kernels {

// The kernel used when none is named: Debian 12's cloud kernel boots fastest under TCG.
inline constexpr std::string_view kDefaultKernel = "debian-6.1-cloud";

struct KernelAlias {
    std::string_view alias;  // "debian-6.1-cloud"
    std::string_view meta_package;  // "linux-image-cloud-amd64": depends on the current versioned image
    std::string_view description;
    std::string_view line;  // "6.1": the kernel line its builds belong to (kernel sets: "debian-6.1-cloud@all")
    std::string_view flavour;  // "cloud-amd64": the release's suffix ("6.1.0-56-cloud-amd64")
};
// The const table of aliases modharness knows.
const std::vector<KernelAlias>& kernel_aliases();

// One package block of `apt-cache depends` output; only its Depends (including alternatives
// marked '|'); virtual packages ("<linux-initramfs-tool>") and their providers are skipped.
struct AptDependsRecord {
    std::string package;
    std::vector<std::string> depends;
};
std::vector<AptDependsRecord> parse_apt_depends(std::string_view text);

// Access to the package archive, injectable so resolution is testable with canned text.
struct AptAccess {
    // stdout of `apt-cache depends PKG`; an Error when apt does not know PKG.
    std::function<Expected<std::string>(const std::string& package)> depends;
    // Downloads the .deb files of `packages` into `dir` (`apt-get download`).
    std::function<Status(const std::vector<std::string>& packages, const std::filesystem::path& dir)> download;
    // stdout of `apt-cache pkgnames PREFIX`: every package name the archive lists with that prefix.
    std::function<Expected<std::string>(const std::string& prefix)> package_names;
    // stdout of `apt-cache show --no-all-versions PKG...`: one stanza per package apt knows
    // (the candidate version); unknown names are left out, an Error only when none is known.
    std::function<Expected<std::string>(const std::vector<std::string>& packages)> show;
};
// The real thing: runs apt-cache / apt-get (no shell), with a timeout; `interrupted` (Ctrl-C)
// stops them (an interrupted error).
AptAccess system_apt(const std::atomic<bool>* interrupted = nullptr);

struct KernelPackageSet {
    std::string requested;  // the name as given
    std::string alias;  // "" when a package name or release was given
    std::string release;  // "6.1.0-56-cloud-amd64" (uname -r)
    std::string image_package;  // "linux-image-<release>-unsigned" when it exists
    std::vector<std::string> header_packages;  // linux-headers-<release>, its -common, linux-kbuild-*
    std::vector<std::string> all() const;  // image first, then headers
};

// Resolves an alias, a (meta or versioned) linux-image-* / linux-headers-* package name, or a bare
// release ("6.1.0-56-cloud-amd64") to the packages to download. Meta packages are followed through
// their linux-image-* dependency; the -unsigned image (same bytes, no signed-shim dependencies) is
// preferred when the archive has it.
Expected<KernelPackageSet> resolve_kernel_packages(const std::string& name, const AptAccess& apt);

// "linux-image-6.1.0-56-cloud-amd64-unsigned" -> "6.1.0-56-cloud-amd64"; "" for meta packages
// ("linux-image-cloud-amd64", "linux-image-6.12-amd64") and other names.
std::string release_from_package(std::string_view package);

// Debian package version -> upstream kernel version: "6.12.117-1~deb12u1" -> "6.12.117".
std::string upstream_version(std::string_view debian_version);

// The Debian release a kernel release string ("uname -r") belongs to, as "debian-NN", or "" when
// it does not look like a Debian kernel: a "+debNN" / ".debNN." marker (6.12.117+deb12-cloud-amd64,
// bullseye-backports' 6.1.0-0.deb11.13-amd64), else the ABI name of a stable release's own kernel
// ("6.1.0-57-cloud-amd64" is Debian 12's 6.1 line, "5.10.0-30-amd64" Debian 11's).
std::string debian_release_of(std::string_view kernel_release);

// A kernel alias from the table, or nullptr.
const KernelAlias* find_alias(std::string_view name);

}  // namespace mh::kernels
