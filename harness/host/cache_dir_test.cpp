// Tests for the cache root precedence: MH_CACHE_DIR > XDG_CACHE_HOME > HOME.
#include "harness/host/cache_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

TEST(CacheDir, Precedence) {
    setenv("HOME", "/home/u", 1);
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    setenv("MH_CACHE_DIR", "/mh", 1);
    EXPECT_EQ(mh::host::cache_root(), std::filesystem::path("/mh"));
    setenv("MH_CACHE_DIR", "", 1);  // empty counts as unset
    EXPECT_EQ(mh::host::cache_root(), std::filesystem::path("/xdg/modharness"));
    unsetenv("MH_CACHE_DIR");
    unsetenv("XDG_CACHE_HOME");
    EXPECT_EQ(mh::host::cache_root(), std::filesystem::path("/home/u/.cache/modharness"));
}

}  // namespace
