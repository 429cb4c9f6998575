#include "harness/paths/artefact_paths.h"

#include <cstdlib>

// The build records its paths at configure time (top-level CMakeLists.txt); a build without a
// target (no clang for the guest fuzzers, benchmarks off) leaves the path empty.
#ifndef MH_BUILT_EXECUTOR
#define MH_BUILT_EXECUTOR ""
#endif
#ifndef MH_BUILT_GUEST_FUZZERS
#define MH_BUILT_GUEST_FUZZERS ""
#endif
#ifndef MH_BUILT_GUEST_BENCH
#define MH_BUILT_GUEST_BENCH ""
#endif
#ifndef MH_SOURCE_SEED_MODULES
#define MH_SOURCE_SEED_MODULES ""
#endif
#ifndef MH_SOURCE_KERNEL_PROFILES
#define MH_SOURCE_KERNEL_PROFILES ""
#endif
#ifndef MH_SOURCE_CONFORMANCE
#define MH_SOURCE_CONFORMANCE ""
#endif
// The install layout (GNUInstallDirs, relative to the prefix; the install() rules use the same).
#ifndef MH_INSTALL_BINDIR
#define MH_INSTALL_BINDIR "bin"
#endif
#ifndef MH_INSTALL_LIBEXECDIR
#define MH_INSTALL_LIBEXECDIR "libexec"
#endif
#ifndef MH_INSTALL_DATADIR
#define MH_INSTALL_DATADIR "share"
#endif

namespace mh::paths {

namespace fs = std::filesystem;

namespace {

enum class Under { kLibexec, kData };

struct Row {
    Artefact artefact;
    const char* name;
    const char* env;
    const char* built;
    Under under;  // installed: <prefix>/<libexecdir|datadir>/modharness/<installed>
    const char* installed;
};

constexpr Row kRows[] = {
    {Artefact::kExecutor, "executor", "MH_EXECUTOR", MH_BUILT_EXECUTOR, Under::kLibexec, "mh-executor"},
    {Artefact::kGuestFuzzers, "guest-fuzzers", "MH_GUEST_FUZZ_DIR", MH_BUILT_GUEST_FUZZERS, Under::kLibexec, "fuzz"},
    {Artefact::kGuestBench, "guest-bench", "MH_GUEST_BENCH", MH_BUILT_GUEST_BENCH, Under::kLibexec, "mh-guest-bench"},
    {Artefact::kSeedSources, "seed-sources", "MH_CORPUS_DIR", MH_SOURCE_SEED_MODULES, Under::kData, "corpus/modules"},
    {Artefact::kKernelProfiles, "kernel-profiles", "MH_PROFILES_DIR", MH_SOURCE_KERNEL_PROFILES, Under::kData, "corpus/profiles"},
    {Artefact::kConformance, "conformance", "MH_CONFORMANCE_DIR", MH_SOURCE_CONFORMANCE, Under::kData, "conformance"},
};

fs::path data_dir(const fs::path& prefix) { return prefix / MH_INSTALL_DATADIR / "modharness"; }

ResolvedArtefact resolve_row(const Row& r, const std::optional<fs::path>& prefix) {
    ResolvedArtefact out{r.artefact, r.name, r.env, r.built, "build"};
    if (const char* v = std::getenv(r.env); v && *v) {
        out.path = v;
        out.origin = std::string("$") + r.env;
    } else if (prefix) {
        out.path = (r.under == Under::kData ? data_dir(*prefix) : *prefix / MH_INSTALL_LIBEXECDIR / "modharness") / r.installed;
        out.origin = "install";
    }
    return out;
}

fs::path running_binary() {
    std::error_code ec;
    return fs::read_symlink("/proc/self/exe", ec);
}

}  // namespace

std::optional<fs::path> install_prefix_of(const fs::path& exe) {
    if (exe.empty() || !exe.has_parent_path()) return std::nullopt;
    // Walk up from the binary's directory once per component of the bindir ("bin": one level).
    fs::path prefix = exe.parent_path(), bindir = MH_INSTALL_BINDIR;
    for (auto it = bindir.end(); it != bindir.begin();) {
        --it;
        if (it->empty()) continue;
        if (prefix.filename() != *it) return std::nullopt;
        prefix = prefix.parent_path();
    }
    std::error_code ec;
    if (!fs::is_directory(data_dir(prefix), ec)) return std::nullopt;
    return prefix;
}

ResolvedArtefact resolve_for(Artefact a, const fs::path& exe) {
    const auto prefix = install_prefix_of(exe);
    for (const auto& r : kRows)
        if (r.artefact == a) return resolve_row(r, prefix);
    return {a, "", "", "", ""};
}

ResolvedArtefact resolve(Artefact a) { return resolve_for(a, running_binary()); }

std::filesystem::path artefact_path(Artefact a) { return resolve(a).path; }

std::vector<ResolvedArtefact> resolve_all() {
    const auto prefix = install_prefix_of(running_binary());
    std::vector<ResolvedArtefact> out;
    for (const auto& r : kRows) out.push_back(resolve_row(r, prefix));
    return out;
}

}  // namespace mh::paths
