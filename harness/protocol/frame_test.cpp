// Frame codec: round trip, chunking, corruption and garbage are rejected without loss of good frames.
#include "harness/protocol/frame.h"

#include <gtest/gtest.h>

#include "harness/common/kv.h"

using namespace mh;

TEST(Crc32, KnownVector) { EXPECT_EQ(protocol::frame_crc("123456789"), 0xCBF43926u); }

TEST(Frame, RoundTripByteAtATime) {
    std::string stream = protocol::frame_encode("type=result id=a") + protocol::frame_encode("") + protocol::frame_encode("x=%20");
    protocol::FrameDecoder d;
    std::vector<std::string> got;
    for (char c : stream)
        for (auto& p : d.feed(std::string_view(&c, 1))) got.push_back(p);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0], "type=result id=a");
    EXPECT_EQ(got[1], "");
    EXPECT_EQ(got[2], "x=%20");
    EXPECT_EQ(d.bad_frames(), 0u);
}

TEST(Frame, CorruptionIsDetected) {
    std::string good = protocol::frame_encode("type=result id=a ret=0");
    for (size_t i = 0; i + 1 < good.size(); ++i) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        protocol::FrameDecoder d;
        auto got = d.feed(bad + protocol::frame_encode("type=end"));
        // The corrupted frame is dropped (or, if the flip made a newline, split); the next one survives.
        ASSERT_FALSE(got.empty()) << i;
        EXPECT_EQ(got.back(), "type=end") << i;
        for (auto& p : got) EXPECT_NE(p, "type=result id=a ret=0") << i;
        EXPECT_GE(d.bad_frames(), 1u) << i;
    }
}

TEST(Frame, GarbageAndTruncationBetweenFrames) {
    protocol::FrameDecoder d;
    std::string s = "random console junk\n" + protocol::frame_encode("a=1").substr(0, 7) + "\n" + protocol::frame_encode("a=2") +
                    std::string("\0\xff\xfe\n", 4) + protocol::frame_encode("a=3");
    auto got = d.feed(s);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], "a=2");
    EXPECT_EQ(got[1], "a=3");
    EXPECT_EQ(d.bad_frames(), 3u);
}

TEST(Frame, UnterminatedTailIsPending) {
    protocol::FrameDecoder d;
    auto f = protocol::frame_encode("a=1");
    auto got = d.feed(f.substr(0, f.size() - 1));
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(d.pending_bytes(), f.size() - 1);
    got = d.feed("\n");
    ASSERT_EQ(got.size(), 1u);
}

TEST(Kv, RoundTripArbitraryBytes) {
    KvRecord r;
    std::string weird;
    for (int c = 0; c < 256; ++c) weird.push_back(static_cast<char>(c));
    r.set("id", "case one");
    r.set("kmsg", weird);
    r.set("empty", "");
    auto line = kv_format(r);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto back = kv_parse(line);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->get("id"), "case one");
    EXPECT_EQ(back->get("kmsg"), weird);
    EXPECT_EQ(back->get("empty"), "");
    EXPECT_EQ(back->items().size(), 3u);
}

TEST(Kv, Errors) {
    EXPECT_FALSE(kv_parse("novalue").ok());
    EXPECT_FALSE(kv_parse("=x").ok());
    EXPECT_FALSE(kv_parse("a=%4").ok());
    EXPECT_FALSE(kv_parse("a=%zz").ok());
    EXPECT_FALSE(kv_parse("A=1").ok());
    EXPECT_FALSE(kv_parse("a=1 a=2").ok());
    auto r = kv_parse("  a=1\tb=2 \r");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->get("b"), "2");
}
