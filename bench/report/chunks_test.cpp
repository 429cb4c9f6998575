// Chunk reassembly: any order, duplicates, gaps reported, inconsistent totals rejected; and the
// guest-side encoding (kv frames) round-trips arbitrary JSON text.
#include "bench/report/chunks.h"

#include <gtest/gtest.h>

#include "harness/protocol/frame.h"
#include "harness/protocol/frame_types.h"

using namespace mh;
using namespace mh::bench;

namespace {
KvRecord chunk(const std::string& stream, size_t seq, size_t total, const std::string& data) {
    KvRecord r = protocol::make_record(protocol::FrameType::Chunk);
    r.set("stream", stream);
    r.set("seq", std::to_string(seq));
    r.set("total", std::to_string(total));
    r.set("data", data);
    return r;
}
}  // namespace

TEST(Chunks, ReassemblesOutOfOrderWithDuplicates) {
    ChunkAssembler a;
    EXPECT_TRUE(a.feed(chunk("g", 2, 3, "baz")));
    EXPECT_FALSE(a.text("g"));
    EXPECT_EQ(a.missing("g"), (std::vector<size_t>{0, 1}));
    EXPECT_TRUE(a.feed(chunk("g", 0, 3, "foo")));
    EXPECT_TRUE(a.feed(chunk("g", 0, 3, "foo")));
    EXPECT_TRUE(a.feed(chunk("g", 1, 3, "bar")));
    ASSERT_TRUE(a.text("g"));
    EXPECT_EQ(*a.text("g"), "foobarbaz");
    EXPECT_FALSE(a.text("other"));
}

TEST(Chunks, RejectsInconsistentChunks) {
    ChunkAssembler a;
    EXPECT_TRUE(a.feed(chunk("g", 0, 2, "x")));
    EXPECT_FALSE(a.feed(chunk("g", 1, 3, "y")));  // total changed
    EXPECT_FALSE(a.feed(chunk("g", 5, 2, "y")));  // seq out of range
    KvRecord bad = protocol::make_record(protocol::FrameType::Chunk);
    bad.set("stream", "g");
    EXPECT_FALSE(a.feed(bad));
    EXPECT_EQ(a.rejected(), 3u);
    KvRecord other = protocol::make_record(protocol::FrameType::Sample);
    EXPECT_TRUE(a.feed(other));  // not a chunk: ignored
    EXPECT_FALSE(a.text("g"));
}

TEST(Chunks, JsonSurvivesFramesInSmallPieces) {
    std::string json = "{\n  \"benchmarks\": [ {\"name\": \"load/buffer/8k\", \"real_time\": 1.5e+01} ],\n  \"x\": \"a=b c%d\"\n}\n";
    std::string wire;
    const size_t piece = 7;
    size_t total = (json.size() + piece - 1) / piece;
    for (size_t i = 0; i < total; ++i) wire += protocol::frame_encode(kv_format(chunk("gbench", i, total, json.substr(i * piece, piece))));
    protocol::FrameDecoder d;
    ChunkAssembler a;
    for (size_t off = 0; off < wire.size(); off += 5)
        for (auto& payload : d.feed(std::string_view(wire).substr(off, 5))) {
            auto rec = kv_parse(payload);
            ASSERT_TRUE(rec);
            a.feed(*rec);
        }
    ASSERT_TRUE(a.text("gbench"));
    EXPECT_EQ(*a.text("gbench"), json);
}
