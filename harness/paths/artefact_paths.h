// Where modharness finds what is not compiled into it: the guest programs it packs into
// initramfs images and the data it reads from the source tree. Every such path is resolved here,
// one way, first match wins:
//   1. the artefact's environment variable (the explicit override);
//   2. an installation: the running binary is <prefix>/bin/modharness and <prefix>/share/modharness
//      exists (cmake --install, the .deb): <prefix>/libexec/modharness/..., <prefix>/share/modharness/...;
//   3. the path this build recorded (running from the build tree).
// Nothing depends on the current directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mh::paths {

enum class Artefact {
    kExecutor,  // the guest /init (static binary)
    kGuestFuzzers,  // directory of the in-guest fuzz engines (mh-fuzz-<engine>)
    kGuestBench,  // the guest bench program
    kSeedSources,  // corpus/modules: Kbuild sources of the seed modules
    kKernelProfiles,  // corpus/profiles: per-kernel facts for compiler-free synthesis
    kConformance,  // conformance/: contract, groups, case files
};

struct ResolvedArtefact {
    Artefact artefact;
    std::string name;  // "executor"
    std::string env;  // "MH_EXECUTOR": the override
    std::filesystem::path path;  // "" when neither the override nor this build provides one
    std::string origin;  // "$MH_EXECUTOR", "install" or "build"
};

// The installation prefix of a binary at `exe`, when it is one: exe's directory is the install
// bindir of a prefix that holds the data directory (share/modharness). nullopt for a build tree.
std::optional<std::filesystem::path> install_prefix_of(const std::filesystem::path& exe);

// Resolved at each call, so an override set by a test or wrapper takes effect. `resolve` asks
// about the running binary (/proc/self/exe); `resolve_for` about the binary at `exe`.
ResolvedArtefact resolve(Artefact a);
ResolvedArtefact resolve_for(Artefact a, const std::filesystem::path& exe);
std::filesystem::path artefact_path(Artefact a);

// Every artefact, in table order (for `modharness --version --verbose`).
std::vector<ResolvedArtefact> resolve_all();

}  // namespace mh::paths
