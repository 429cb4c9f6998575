#include "harness/paths/artefact_paths.h"

#include <gtest/gtest.h>

#include <unistd.h>

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

// A binary in <prefix>/bin beside <prefix>/share/modharness resolves everything under the prefix;
// the same binary without the data directory, or outside a bin directory, is not an installation.
TEST(ArtefactPaths, InstalledBinaryResolvesUnderItsPrefix) {
    const auto prefix = std::filesystem::temp_directory_path() / ("mh-paths-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(prefix);
    std::filesystem::create_directories(prefix / "bin");
    const auto exe = prefix / "bin" / "modharness";
    EXPECT_FALSE(install_prefix_of(exe)) << "no share/modharness yet";
    std::filesystem::create_directories(prefix / "share" / "modharness");
    ASSERT_EQ(install_prefix_of(exe), prefix);
    EXPECT_FALSE(install_prefix_of(prefix / "libexec" / "modharness"));
    EXPECT_FALSE(install_prefix_of(prefix / "modharness"));

    const char* old = std::getenv("MH_EXECUTOR");
    std::string saved = old ? old : "";
    ::unsetenv("MH_EXECUTOR");
    auto executor = resolve_for(Artefact::kExecutor, exe);
    EXPECT_EQ(executor.origin, "install");
    EXPECT_EQ(executor.path, prefix / "libexec" / "modharness" / "mh-executor");
    EXPECT_EQ(resolve_for(Artefact::kGuestFuzzers, exe).path, prefix / "libexec" / "modharness" / "fuzz");
    if (!std::getenv("MH_CONFORMANCE_DIR")) {
        EXPECT_EQ(resolve_for(Artefact::kConformance, exe).path, prefix / "share" / "modharness" / "conformance");
    }
    if (!std::getenv("MH_CORPUS_DIR")) {
        EXPECT_EQ(resolve_for(Artefact::kSeedSources, exe).path, prefix / "share" / "modharness" / "corpus" / "modules");
    }
    // The explicit override still wins over the installation.
    ::setenv("MH_EXECUTOR", "/opt/x/init", 1);
    EXPECT_EQ(resolve_for(Artefact::kExecutor, exe).origin, "$MH_EXECUTOR");
    if (old)
        ::setenv("MH_EXECUTOR", saved.c_str(), 1);
    else
        ::unsetenv("MH_EXECUTOR");
    // The test binary itself lives in the build tree: not an installation.
    EXPECT_FALSE(install_prefix_of(std::filesystem::read_symlink("/proc/self/exe")));
    std::filesystem::remove_all(prefix);
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
