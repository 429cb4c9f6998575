// The record-type table: names are unique and round-trip; unknown names and records map to Unknown.
#include "harness/protocol/frame_types.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mh::protocol {
namespace {

TEST(FrameTypes, NamesAreUniqueAndRoundTrip) {
    std::set<std::string_view> seen;
    int rows = 0;
#define MH_CHECK_ROW(e, name, dir, what) \
    ++rows; \
    EXPECT_TRUE(seen.insert(name).second) << "duplicate wire name " << name; \
    EXPECT_EQ(frame_type_from_name(name), FrameType::e); \
    EXPECT_EQ(frame_type_name(FrameType::e), name); \
    EXPECT_EQ(frame_direction(FrameType::e), Direction::dir);
    MH_FRAME_TYPES(MH_CHECK_ROW)
#undef MH_CHECK_ROW
    EXPECT_EQ(rows, static_cast<int>(seen.size()));
}

TEST(FrameTypes, RecordsCarryTheirTypeFirst) {
    KvRecord r = make_record(FrameType::Result);
    r.set("errno", "ENOEXEC");
    EXPECT_EQ(kv_format(r), "type=result errno=ENOEXEC");
    EXPECT_EQ(frame_type(r), FrameType::Result);
}

TEST(FrameTypes, MissingOrUnknownTypeIsUnknown) {
    EXPECT_EQ(frame_type(KvRecord{}), FrameType::Unknown);
    KvRecord r;
    r.set("type", "helo");
    EXPECT_EQ(frame_type(r), FrameType::Unknown);
    EXPECT_EQ(frame_type_from_name(""), FrameType::Unknown);
    EXPECT_EQ(frame_type_name(FrameType::Unknown), "unknown");
}

}  // namespace
}  // namespace mh::protocol
