// Errno names round-trip and accept the forms case files use.
#include "harness/sys/errno_names.h"

#include <gtest/gtest.h>

using namespace mh::sys;

TEST(ErrnoNames, KnownNames) {
    EXPECT_EQ(errno_name(8), "ENOEXEC");
    EXPECT_EQ(errno_name(9), "EBADF");
    EXPECT_EQ(errno_name(131), "ENOTRECOVERABLE");
    EXPECT_EQ(errno_name(95), "EOPNOTSUPP");
    EXPECT_EQ(errno_name(0), "0");
    EXPECT_EQ(errno_name(4000), "E4000");
}

TEST(ErrnoNames, Parse) {
    EXPECT_EQ(errno_from_name("ENOEXEC"), 8);
    EXPECT_EQ(errno_from_name("EKEYREJECTED"), 129);
    EXPECT_EQ(errno_from_name("ENOTSUP"), 95);
    EXPECT_EQ(errno_from_name("0"), 0);
    EXPECT_EQ(errno_from_name("E4000"), 4000);
    EXPECT_EQ(errno_from_name("ENOSUCH"), std::nullopt);
    EXPECT_EQ(errno_from_name(""), std::nullopt);
    for (int e = 1; e < 134; ++e) EXPECT_EQ(errno_from_name(errno_name(e)), e) << e;
}
