// The vmlinux with DWARF that symbolises a kernel's reports: a fuzz kernel's own build, or for a
// Debian build the vmlinux of its linux-image-<release>-dbg package, fetched on demand into the
// kernel cache (only that file is kept: 563 MiB for 6.1.0-57, 324 MiB for 6.12.117).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

#include "harness/common/expected.h"
#include "harness/kernels/debian_packages.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::kernels {

struct DebugVmlinuxOptions {
    bool fetch = true;  // download the -dbg package when the vmlinux is not cached
    const AptAccess* apt = nullptr;  // nullptr: the system's apt
    const std::atomic<bool>* interrupted = nullptr;
    std::function<void(const std::string&)> progress;  // "downloading ... (283 MB)", "extracting ..."
};

// The -dbg package of a Debian kernel release ("linux-image-6.1.0-57-cloud-amd64-dbg").
std::string debug_package(const std::string& release);

// Where the vmlinux of `kernel` is kept once fetched (<cache>/kernels/<release>/debug/vmlinux-<release>).
std::filesystem::path cached_debug_vmlinux(const Kernel& kernel);

// The DWARF vmlinux for `kernel`: its build tree's vmlinux when it has one with debug info (fuzz
// kernels), else the cached -dbg vmlinux, fetched when options.fetch. Environment error when the
// archive has no -dbg package for it (a user's bzImage: pass the vmlinux yourself), interrupted on
// Ctrl-C; a partial download is removed either way.
Expected<std::filesystem::path> debug_vmlinux(const Kernel& kernel, const DebugVmlinuxOptions& options = {});

}  // namespace mh::kernels
