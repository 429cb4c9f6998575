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

namespace mh::paths {

namespace {

struct Row {
    Artefact artefact;
    const char* name;
    const char* env;
    const char* built;
};

constexpr Row kRows[] = {
    {Artefact::kExecutor, "executor", "MH_EXECUTOR", MH_BUILT_EXECUTOR},
    {Artefact::kGuestFuzzers, "guest-fuzzers", "MH_GUEST_FUZZ_DIR", MH_BUILT_GUEST_FUZZERS},
    {Artefact::kGuestBench, "guest-bench", "MH_GUEST_BENCH", MH_BUILT_GUEST_BENCH},
    {Artefact::kSeedSources, "seed-sources", "MH_CORPUS_DIR", MH_SOURCE_SEED_MODULES},
    {Artefact::kKernelProfiles, "kernel-profiles", "MH_PROFILES_DIR", MH_SOURCE_KERNEL_PROFILES},
    {Artefact::kConformance, "conformance", "MH_CONFORMANCE_DIR", MH_SOURCE_CONFORMANCE},
};

ResolvedArtefact resolve_row(const Row& r) {
    ResolvedArtefact out{r.artefact, r.name, r.env, r.built, "build"};
    if (const char* v = std::getenv(r.env); v && *v) {
        out.path = v;
        out.origin = std::string("$") + r.env;
    }
    return out;
}

}  // namespace

ResolvedArtefact resolve(Artefact a) {
    for (const auto& r : kRows)
        if (r.artefact == a) return resolve_row(r);
    return {a, "", "", "", ""};
}

std::filesystem::path artefact_path(Artefact a) { return resolve(a).path; }

std::vector<ResolvedArtefact> resolve_all() {
    std::vector<ResolvedArtefact> out;
    for (const auto& r : kRows) out.push_back(resolve_row(r));
    return out;
}

}  // namespace mh::paths
