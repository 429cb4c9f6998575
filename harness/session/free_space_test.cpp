// check_free_space: below the threshold is an error naming the directory and both sizes; 0 disables it.
#include "harness/session/free_space.h"

#include <gtest/gtest.h>

#include <limits>

#include "harness/host/test_files.h"

namespace mh::session {
namespace {

TEST(FreeSpace, EnoughIsOkAndZeroDisablesTheCheck) {
    host::testing::TempDir dir("mh-free");
    auto free = free_bytes(dir.path);
    ASSERT_TRUE(free.ok()) << free.error().message;
    EXPECT_GT(*free, 0u);
    EXPECT_TRUE(check_free_space(dir.path, 1).ok());
    EXPECT_TRUE(check_free_space(dir.path, 0).ok());
    EXPECT_TRUE(check_free_space("/nonexistent-dir", 0).ok());
}

TEST(FreeSpace, TooLittleNamesDirectoryAndSizes) {
    host::testing::TempDir dir("mh-free");
    auto st = check_free_space(dir.path, std::numeric_limits<std::uint64_t>::max());
    ASSERT_FALSE(st.ok());
    const auto& m = st.error().message;
    EXPECT_NE(m.find(dir.path.string()), std::string::npos) << m;
    EXPECT_NE(m.find("KiB free"), std::string::npos) << m;
    EXPECT_NE(m.find("--min-free"), std::string::npos) << m;
}

TEST(FreeSpace, MissingDirectoryIsAnError) {
    auto st = check_free_space("/nonexistent-dir", 1);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("/nonexistent-dir"), std::string::npos);
    EXPECT_NE(st.error().message.find("ENOENT"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace mh::session
