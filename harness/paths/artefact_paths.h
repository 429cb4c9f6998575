// Where modharness finds what is not compiled into it: the guest programs it packs into
// initramfs images and the data it reads from the source tree. Every such path is resolved here,
// one way: the artefact's environment variable when set, else the path this build recorded.
#pragma once

#include <filesystem>
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
    std::string origin;  // "$MH_EXECUTOR" or "build"
};

// Resolved at each call, so an override set by a test or wrapper takes effect.
ResolvedArtefact resolve(Artefact a);
std::filesystem::path artefact_path(Artefact a);

// Every artefact, in table order (for `modharness --version --verbose`).
std::vector<ResolvedArtefact> resolve_all();

}  // namespace mh::paths
