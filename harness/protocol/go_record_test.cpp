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
    EXPECT_EQ(go->files, 0);
}

TEST(GoRecord, AnnouncesFilesAndOlderLinesMeanNone) {
    GoRecord with = sample();
    with.files = 3;
    const std::string line = format_go(with);
    auto go = parse_line(line.substr(0, line.size() - 1));
    ASSERT_TRUE(go) << go.error().message;
    EXPECT_EQ(go->files, 3);
    auto old = parse_line("type=go start=0 stop=-1 token=abc seed=" + std::string(64, '0'));
    ASSERT_TRUE(old) << old.error().message;
    EXPECT_EQ(old->files, 0);
    EXPECT_FALSE(parse_line("type=go start=0 stop=-1 token=abc files=-1 seed=" + std::string(64, '0')));
    EXPECT_FALSE(parse_line("type=go start=0 stop=-1 token=abc files=two seed=" + std::string(64, '0')));
}

Expected<GoFile> parse_file_line(const std::string& line) {
    auto r = kv_parse(line.back() == '\n' ? line.substr(0, line.size() - 1) : line);
    if (!r) return r.error();
    return parse_go_file(*r);
}

TEST(GoFile, RoundTripsBinaryData) {
    std::string data;
    for (int i = 0; i < 5000; ++i) data += static_cast<char>(i * 7);
    auto f = parse_file_line(format_go_file({"mh/replay/input-0", data}));
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->path, "mh/replay/input-0");
    EXPECT_EQ(f->data, data);
    auto empty = parse_file_line(format_go_file({"mh/fuzz.conf", ""}));
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_EQ(empty->data, "");
}

TEST(GoFile, RefusesPathsOutsideMhAndDamagedData) {
    for (const char* bad : {"init", "/mh/x", "mh/../init", "mh/./x", "mh//x", "mh/", "mh/a b", "tmp/x", "mh/x\n"}) {
        auto f = parse_file_line(format_go_file({bad, "x"}));
        EXPECT_FALSE(f) << bad;
        if (!f) {
            EXPECT_NE(f.error().message.find("not a plain path under mh/"), std::string::npos) << f.error().message;
        }
    }
    const std::string good = format_go_file({"mh/x", "hello world"});
    auto swap = [&](const std::string& from, const std::string& to) {
        std::string line = good;
        line.replace(line.find(from), from.size(), to);
        return parse_file_line(line);
    };
    auto size = swap("size=11", "size=12");
    ASSERT_FALSE(size);
    auto sum = swap("fnv=", "fnv=0");
    ASSERT_FALSE(sum);
    EXPECT_NE(sum.error().message.find("checksum"), std::string::npos) << sum.error().message;
    EXPECT_FALSE(parse_file_line("type=go path=mh/x size=1 fnv=0 data=eA"));
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
