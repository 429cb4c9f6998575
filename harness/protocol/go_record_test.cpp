// The go record a restored guest waits for: round trip, and every malformed line refused.
#include "harness/protocol/go_record.h"

#include <gtest/gtest.h>

namespace mh::protocol {
namespace {

GoRecord sample() {
    GoRecord go;
    go.start = 17;
    go.stop = 18;
    go.token = "0123456789abcdef0123456789abcdef";
    go.seed_hex = std::string(64, 'a');
    return go;
}

Expected<GoRecord> parse_line(const std::string& line) {
    auto r = kv_parse(line);
    if (!r) return r.error();
    return parse_go(*r);
}

TEST(GoRecord, RoundTrips) {
    const std::string line = format_go(sample());
    ASSERT_EQ(line.back(), '\n');
    EXPECT_LE(line.size(), kMaxGoLineBytes);
    auto go = parse_line(line.substr(0, line.size() - 1));
    ASSERT_TRUE(go) << go.error().message;
    EXPECT_EQ(go->start, 17);
    EXPECT_EQ(go->stop, 18);
    EXPECT_EQ(go->token, sample().token);
    EXPECT_EQ(go->seed_hex, sample().seed_hex);
}

TEST(GoRecord, RefusesWhatIsNotAGoRecord) {
    EXPECT_FALSE(parse_line("type=hello start=1 stop=-1 token=x seed=" + std::string(64, '0')));
    EXPECT_FALSE(parse_line("type=go stop=-1 token=abc seed=" + std::string(64, '0')));  // no start
    EXPECT_FALSE(parse_line("type=go start=x stop=-1 token=abc seed=" + std::string(64, '0')));
    EXPECT_FALSE(parse_line("type=go start=-1 stop=-1 token=abc seed=" + std::string(64, '0')));
    EXPECT_FALSE(parse_line("type=go start=0 stop=-1 seed=" + std::string(64, '0')));  // no token
    EXPECT_FALSE(parse_line("type=go start=0 stop=-1 token=abc seed=" + std::string(63, '0')));
    EXPECT_FALSE(parse_line("type=go start=0 stop=-1 token=abc seed=" + std::string(64, 'G')));
    // A line cut by a lost byte in transit is refused rather than misread.
    EXPECT_FALSE(parse_line("type=go start=0 stop=-1 token=abc seed=" + std::string(40, '0')));
}

}  // namespace
}  // namespace mh::protocol
