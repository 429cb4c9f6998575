// deflate+base64 frame payloads: round trips, kv-safety, and clear errors on damage.
#include "harness/common/packed_bytes.h"

#include <gtest/gtest.h>

#include <random>

#include "harness/common/kv.h"

namespace mh {
namespace {

TEST(PackedBytes, Base64RoundTripsEveryLength) {
    std::mt19937 gen(1);
    for (size_t n = 0; n < 70; ++n) {
        std::string s(n, '\0');
        for (auto& c : s) c = static_cast<char>(gen());
        const std::string e = base64_encode(s);
        EXPECT_EQ(kv_escape(e), e) << "every character is kv-safe";
        EXPECT_EQ(base64_decode(e).value(), s);
    }
    EXPECT_EQ(base64_encode("Man"), "TWFu");
    EXPECT_EQ(base64_encode("Ma"), "TWE");
}

TEST(PackedBytes, PackRoundTripsAndShrinksStructuredData) {
    std::string module(20000, '\0');
    for (size_t i = 0; i < module.size(); i += 64) module[i] = static_cast<char>(i / 64);
    const std::string p = pack_bytes(module);
    EXPECT_LT(p.size(), module.size() / 4);
    EXPECT_EQ(unpack_bytes(p, module.size()).value(), module);
    EXPECT_EQ(unpack_bytes(pack_bytes(""), 0).value(), "");
}

TEST(PackedBytes, DamageIsAnError) {
    const std::string p = pack_bytes("hello hello hello");
    EXPECT_FALSE(unpack_bytes(p, 5).ok());
    EXPECT_FALSE(unpack_bytes(p.substr(0, p.size() - 3), 17).ok());
    EXPECT_FALSE(unpack_bytes("%%%%", 4).ok());
    EXPECT_FALSE(unpack_bytes(p, 1u << 30).ok());
}

}  // namespace
}  // namespace mh
