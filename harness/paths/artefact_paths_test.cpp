#include "harness/paths/artefact_paths.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

namespace mh::paths {
namespace {

// Each artefact resolves to the path this build recorded, which exists in a build tree.
TEST(ArtefactPaths, BuildTreePathsExist) {
    for (const auto& a : resolve_all()) {
        if (std::getenv(a.env.c_str())) continue;  // overridden by the caller's environment
        EXPECT_EQ(a.origin, "build") << a.name;
        if (a.path.empty()) continue;  // a target this configuration does not build
        EXPECT_TRUE(std::filesystem::exists(a.path) || a.artefact != Artefact::kConformance) << a.name << " " << a.path;
    }
    EXPECT_TRUE(std::filesystem::is_directory(artefact_path(Artefact::kConformance)));
    EXPECT_TRUE(std::filesystem::is_directory(artefact_path(Artefact::kSeedSources)));
}

// The environment variable wins, and is read at each call.
TEST(ArtefactPaths, EnvironmentOverrides) {
    const char* old = std::getenv("MH_EXECUTOR");
    std::string saved = old ? old : "";
    ::setenv("MH_EXECUTOR", "/opt/x/init", 1);
    auto r = resolve(Artefact::kExecutor);
    EXPECT_EQ(r.path, "/opt/x/init");
    EXPECT_EQ(r.origin, "$MH_EXECUTOR");
    if (old)
        ::setenv("MH_EXECUTOR", saved.c_str(), 1);
    else
        ::unsetenv("MH_EXECUTOR");
    EXPECT_NE(resolve(Artefact::kExecutor).origin, "$MH_EXECUTOR");
}

// One row per artefact, names and variables unique.
TEST(ArtefactPaths, TableHasEveryArtefactOnce) {
    std::set<std::string> names, envs;
    for (const auto& a : resolve_all()) {
        names.insert(a.name);
        envs.insert(a.env);
    }
    EXPECT_EQ(names.size(), 6u);
    EXPECT_EQ(envs.size(), 6u);
}

}  // namespace
}  // namespace mh::paths
