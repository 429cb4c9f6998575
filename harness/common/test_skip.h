// Skipping a test whose environment is missing, unless the environment demands it: with
// MH_REQUIRE_FUZZ_KERNEL=1 (a CI that built the KCOV fuzz kernel) a missing fuzz kernel is a
// failure, so those tests cannot silently stop running.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace mh::testing {

inline bool fuzz_kernel_required() {
    const char* v = std::getenv("MH_REQUIRE_FUZZ_KERNEL");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace mh::testing

// In a TEST body or SetUp: skips with `message` (a `<<` chain), or fails with it when
// MH_REQUIRE_FUZZ_KERNEL=1.
#define MH_SKIP_WITHOUT_FUZZ_KERNEL(message) \
    do { \
        if (::mh::testing::fuzz_kernel_required()) GTEST_FAIL() << "MH_REQUIRE_FUZZ_KERNEL=1: " << message; \
        GTEST_SKIP() << message; \
    } while (0)
