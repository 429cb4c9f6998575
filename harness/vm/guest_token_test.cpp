// Guard tokens: 32 hex characters, different every time; a short or failing source is an error.
#include "harness/vm/guest_token.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/host/test_files.h"

namespace mh::vm {
namespace {

TEST(GuestToken, ThirtyTwoHexCharactersAndFresh) {
    auto a = guest_token();
    auto b = guest_token();
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(a->size(), 2 * kGuestTokenBytes);
    EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos) << *a;
    EXPECT_NE(*a, *b);
}

TEST(GuestToken, RandomHexOfAnyLengthNamesItsUseInErrors) {
    auto seed = random_hex(32, "seed");
    ASSERT_TRUE(seed.ok()) << seed.error().message;
    EXPECT_EQ(seed->size(), 64u);
    EXPECT_EQ(seed->find_first_not_of("0123456789abcdef"), std::string::npos) << *seed;
    auto short_seed = random_hex_from("/dev/null", 32, "the seed");
    ASSERT_FALSE(short_seed.ok());
    EXPECT_EQ(short_seed.error().message, "the seed: /dev/null gave 0 of 32 bytes");
}

TEST(GuestToken, ShortReadIsAnError) {
    host::testing::TempDir dir("mh-token");
    const auto five = dir.path / "five";
    std::ofstream(five) << "12345";
    auto t = guest_token_from(five);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().kind, ErrorKind::kEnvironment);
    EXPECT_NE(t.error().message.find("gave 5 of 16 bytes"), std::string::npos) << t.error().message;
    auto empty = guest_token_from("/dev/null");
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.error().message.find("gave 0 of 16 bytes"), std::string::npos) << empty.error().message;
}

TEST(GuestToken, UnreadableSourceIsAnError) {
    auto missing = guest_token_from("/nonexistent/urandom");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("cannot open /nonexistent/urandom"), std::string::npos) << missing.error().message;
    host::testing::TempDir dir("mh-token-dir");
    auto directory = guest_token_from(dir.path);  // open() works, read() fails with EISDIR
    ASSERT_FALSE(directory.ok());
    EXPECT_NE(directory.error().message.find("reading"), std::string::npos) << directory.error().message;
}

}  // namespace
}  // namespace mh::vm
