// The DWARF vmlinux of a kernel (see debug_vmlinux.h).
#include "harness/kernels/debug_vmlinux.h"

#include <unistd.h>

#include <chrono>

#include "harness/common/text.h"
#include "harness/kernels/archive_kernels.h"
#include "harness/host/process.h"

namespace mh::kernels {
namespace fs = std::filesystem;
namespace {

constexpr std::chrono::minutes kExtractTimeout{20};

// Removes a directory when it goes out of scope (a failed or interrupted fetch leaves nothing).
struct RemoveOnExit {
    fs::path dir;
    ~RemoveOnExit() {
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
    }
};

// The Size: field of an `apt-cache show` stanza, in MB for a progress line ("" when absent).
std::string size_text(const std::string& stanza) {
    for (auto [line, number] : lines(stanza)) {
        (void)number;
        if (line.rfind("Size: ", 0) == 0) {
            try {
                return std::to_string(std::stoull(std::string(line.substr(6))) / 1000000) + " MB";
            } catch (...) {
                return "";
            }
        }
    }
    return "";
}

}  // namespace

std::string debug_package(const std::string& release) { return "linux-image-" + release + "-dbg"; }

fs::path cached_debug_vmlinux(const Kernel& kernel) { return kernels_dir() / kernel.release / "debug" / ("vmlinux-" + kernel.release); }

Expected<fs::path> debug_vmlinux(const Kernel& kernel, const DebugVmlinuxOptions& options) {
    std::error_code ec;
    auto say = [&](const std::string& line) {
        if (options.progress) options.progress(line);
    };
    // A kernel built here (the fuzz kernel) has its vmlinux, with DWARF, in its build tree. A
    // Debian build's headers tree may hold a vmlinux too (6.12's, for BTF), without line tables:
    // Debian builds take the -dbg package's.
    const bool debian = !kernel.release.empty() && parse_release(kernel.release).has_value();
    if (!debian && !kernel.build_tree.empty() && fs::is_regular_file(kernel.build_tree / "vmlinux", ec))
        return kernel.build_tree / "vmlinux";
    const fs::path target = cached_debug_vmlinux(kernel);
    if (fs::is_regular_file(target, ec)) return target;
    if (!debian)
        return environment_error("no debug vmlinux for " + (kernel.release.empty() ? kernel.name : kernel.release) +
                                 ": not a Debian build (give the vmlinux with DWARF yourself: --vmlinux PATH)");
    const std::string package = debug_package(kernel.release);
    if (!options.fetch)
        return environment_error("the debug vmlinux of " + kernel.release + " is not cached (" + target.string() + "); it comes from " +
                                 package + ", fetched when fetching is allowed");
    const AptAccess apt = options.apt ? *options.apt : system_apt(options.interrupted);
    std::string size;
    if (auto shown = apt.show({package}))
        size = size_text(*shown);
    else
        return environment_error("the archive has no " + package + " (" + shown.error().message + ")");

    RemoveOnExit work{kernels_dir() / kernel.release / (".dbg-fetch-" + std::to_string(::getpid()))};
    fs::remove_all(work.dir, ec);
    fs::create_directories(work.dir, ec);
    if (ec) return storage_error("cannot create " + work.dir.string() + ": " + ec.message());
    say("downloading " + package + (size.empty() ? "" : " (" + size + ")"));
    MH_TRY(apt.download({package}, work.dir));
    fs::path deb;
    for (const auto& e : fs::directory_iterator(work.dir, ec))
        if (e.path().extension() == ".deb") deb = e.path();
    if (deb.empty()) return environment_error("apt-get download left no .deb for " + package);

    say("extracting usr/lib/debug/boot/vmlinux-" + kernel.release + " from it");
    const std::string member = "./usr/lib/debug/boot/vmlinux-" + kernel.release;
    host::ProcessOptions o;
    o.timeout = kExtractTimeout;
    o.interrupted = options.interrupted;
    // Only the vmlinux: tar stops after its first occurrence (the package also holds every module's debug info).
    auto r = host::run_process({"sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x --occurrence=1 -C \"$2\" \"$3\"", "sh", deb.string(),
                                work.dir.string(), member},
                               o);
    if (!r) return r.error();
    const fs::path extracted = work.dir / member;
    if (!r->success() || !fs::is_regular_file(extracted, ec))
        return environment_error("extracting " + member + " from " + deb.filename().string() + " failed (" + r->status_text() +
                                 "): " + host::tail_lines(r->err, 3));
    fs::create_directories(target.parent_path(), ec);
    fs::rename(extracted, target, ec);
    if (ec) return storage_error("cannot move the debug vmlinux to " + target.string() + ": " + ec.message());
    say("debug vmlinux: " + target.string() + " (" + std::to_string(fs::file_size(target, ec) >> 20) + " MiB)");
    return target;
}

}  // namespace mh::kernels
