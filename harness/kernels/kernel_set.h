// Kernel sets: names that expand to an ordered list of kernels -- Debian builds of a line by
// version range, cached kernels, package names, users' bzImages -- for matrix runs (and bisects
// and crash replays over the same sets).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/common/expected.h"
#include "harness/kernels/archive_kernels.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::kernels {

// One kernel of an expanded set.
struct SetMember {
    std::string name;  // what resolve_kernel/fetch_kernel take: the release, a cached name or a bzImage path
    std::string release;  // uname -r ("" for a bzImage whose release could not be read)
    ReleaseParts parts;  // empty for kernels that are not Debian builds
    std::string version;  // Debian version of the image package ("" when not a Debian build)
    std::string upstream;  // "6.12.117"
    std::string image_package;  // "" for users' and built kernels
    std::uint64_t image_bytes = 0;  // download size (0: cached or unknown)
    bool cached = false;  // in the kernel cache now: no download needed
    bool user = false;  // a bzImage given by path
    std::vector<std::string> from;  // the set items that named it

    // Short column label: the build ("6.1.0-50", "6.12.117"), else the release or the file name.
    std::string label() const;
    // The line it belongs to, as an alias where one matches ("debian-6.12-cloud"), else "".
    std::string family() const;
    // "debian-6.12-cloud 6.12.117", for progress lines.
    std::string display() const;
    // A directory name for its outputs: the release, else the bzImage's file name (made safe).
    std::string dir_name() const;
};

// Where expansion looks things up; injectable, so expansion is testable with canned apt output.
struct SetSources {
    // The archive's kernel builds; asked at most once, and only when an item needs it.
    std::function<Expected<std::vector<ArchiveKernel>>()> archive;
    // The cached kernels with their records.
    std::function<std::vector<std::pair<std::filesystem::path, KernelRecord>>()> cached;
    // The release an alias or meta package names now: a cached kernel that answers to it, else apt.
    std::function<Expected<std::string>(const std::string& name)> current_release;
    // The release inside a bzImage (its header).
    std::function<Expected<std::string>(const std::filesystem::path& bzimage)> bzimage_release;
};
// The real cache and apt (queries only; nothing is downloaded while expanding).
SetSources system_set_sources(const std::atomic<bool>* interrupted = nullptr);

// Checks the syntax of every item of `specs` (each a comma list) without apt or the cache: a
// usage error naming the item and saying what is accepted. Run before any work.
Status check_kernel_set(const std::vector<std::string>& specs);

// Expands `specs` (each a comma list of items) into kernels, duplicates removed (first kept),
// ordered by Debian version (dpkg order; kernels without one by their upstream version).
// A selector that matches no build is a usage error naming what the line offers; apt failures
// are environment errors.
Expected<std::vector<SetMember>> expand_kernel_set(const std::vector<std::string>& specs, const SetSources& sources);

// A kernel line and flavour named like a set's LINE: an alias ("debian-6.12-cloud") or
// debian-<x.y>[-cloud|-rt]; nullopt for other names.
struct KernelLine {
    std::string name;  // as written
    std::string line;  // "6.12"
    std::string flavour;  // "cloud-amd64"
};
std::optional<KernelLine> parse_kernel_line(const std::string& name);

// The grammar, for --help texts (lines indented by two spaces).
std::string kernel_set_help();

}  // namespace mh::kernels
