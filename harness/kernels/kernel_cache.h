// Kernels for the VMs: Debian kernels fetched into the cache (by alias or package), or a user's bzImage.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/kernels/debian_packages.h"

namespace mh::kernels {

struct Kernel {
    std::string name;  // alias/package as given, or the path
    std::string release;  // uname -r, e.g. "6.1.0-56-cloud-amd64"
    std::string version;  // upstream version, e.g. "6.1.192"
    std::filesystem::path bzimage;  // boot/vmlinuz-<rel>
    std::filesystem::path build_tree;  // headers tree for M= builds (empty if unknown)
    std::filesystem::path modules_dir;  // lib/modules/<rel> (empty for a user bzImage)
    std::map<std::string, std::string> config;  // loader_config_keys() -> "y", "m", "n", ...
};

// name: alias, package name, release, or a path to a bzImage. fetch=false never touches the
// network (a kernel not in the cache is then an error saying how to fetch it).
// build_tree_override: a kernel build tree for module builds (a user's kernel, or to replace
// the cached headers). A name no kernel can have is a usage error (check_kernel_name, before any
// download); every other failure (not cached, apt, not a bzImage) is an environment error, an
// interrupt (the flag set while apt or the extraction runs) an interrupted one.
Expected<Kernel> resolve_kernel(const std::string& name, bool fetch, const std::filesystem::path& build_tree_override = {},
                                const std::atomic<bool>* interrupted = nullptr);

// Every kernel in the cache, sorted by release.
std::vector<Kernel> cached_kernels();

// ---- Below: the pieces, for the CLI and tests. ----

// One package as extracted.
struct PackageVersion {
    std::string name;
    std::string version;  // Debian version, "6.1.192-2"
};

// The metadata file kept beside each cached kernel (<cache>/kernels/<release>/modharness-kernel.json).
struct KernelRecord {
    int format = 1;
    std::vector<std::string> names;  // every alias / package name that resolved to this kernel
    std::string release;
    std::string version;
    std::vector<PackageVersion> packages;
    std::string bzimage;  // relative to the kernel directory
    std::string build_tree;  // relative, "" when no headers
    std::string modules_dir;  // relative
    std::map<std::string, std::string> config;
    std::uintmax_t size_bytes = 0;
    double download_seconds = 0;
    double extract_seconds = 0;
    std::string fetched_at;  // UTC, ISO 8601
};

inline constexpr const char* kKernelRecordFile = "modharness-kernel.json";

std::string kernel_record_to_json(const KernelRecord& record);
Expected<KernelRecord> kernel_record_from_json(const std::string& text);

// <cache>/kernels
std::filesystem::path kernels_dir();

// A Kernel (absolute paths) from the record of the kernel directory `dir`.
Kernel kernel_from_record(const KernelRecord& record, const std::filesystem::path& dir, const std::string& name);

// Cached kernel directories with their records; unreadable records are skipped.
std::vector<std::pair<std::filesystem::path, KernelRecord>> cached_kernel_records();

// Looks `name` (alias, package, release) up in the cache only.
Expected<Kernel> find_cached_kernel(const std::string& name);

struct FetchOptions {
    bool refresh = false;  // re-resolve the alias with apt even if a kernel is cached for it
    bool verbose = false;  // progress lines on stderr
    const AptAccess* apt = nullptr;  // nullptr: the system's apt
    // Ctrl-C: apt and dpkg-deb are stopped (process group killed), the partial .fetch-* directory
    // removed, and an interrupted error returned.
    const std::atomic<bool>* interrupted = nullptr;
};

// Downloads and extracts the kernel + headers packages for `name` into <cache>/kernels/<release>/,
// relocates the tree and writes the record. Returns the cached kernel without any apt call when
// present (unless options.refresh).
Expected<Kernel> fetch_kernel(const std::string& name, const FetchOptions& options = {});

// A user's bzImage (validated) with an optional build tree (validated to have a Makefile).
Expected<Kernel> user_kernel(const std::filesystem::path& bzimage, const std::filesystem::path& build_tree);

// A usage error listing the accepted forms when `name` cannot name a kernel: not a path, an alias,
// a built kernel (fuzz-*), a Debian package (linux-*), a release or a cached kernel. Checked
// before any download, so a typo never waits for apt.
Status check_kernel_name(const std::string& name);

// True when `name` should be treated as a file path rather than an alias/package.
bool looks_like_path(const std::string& name);

}  // namespace mh::kernels
