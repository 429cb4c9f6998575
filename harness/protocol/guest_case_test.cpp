// Guest case records: parse, validate, round trip.
#include "harness/protocol/guest_case.h"

#include <gtest/gtest.h>

using namespace mh;
using namespace mh::protocol;

TEST(GuestCase, RoundTrip) {
    auto rec = kv_parse(
        "idx=4 id=x call=init img=/mh/img/a.ko modname=mh_ok buf=guard_tail len=0x40 flags=-1 params=a%3D1 priv=nocap timeout_ms=500 unload=no settle_ms=1500");
    ASSERT_TRUE(rec.ok());
    auto c = parse_guest_case(*rec);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->idx, 4);
    EXPECT_EQ(c->call, Call::Init);
    EXPECT_EQ(c->len, 64u);
    EXPECT_EQ(c->flags, ~uint64_t{0});
    EXPECT_EQ(c->params, "a=1");
    EXPECT_EQ(c->privilege, Privilege::NoCap);
    EXPECT_FALSE(c->unload);
    EXPECT_EQ(c->settle_ms, 1500u);
    auto back = parse_guest_case(to_record(*c));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(kv_format(to_record(*back)), kv_format(to_record(*c)));
}

TEST(GuestCase, Errors) {
    for (const char* line :
         {"idx=1 call=open", "idx=1 bogus=1", "idx=1 fd=nonsense", "idx=1 buf=weird", "idx=1 len=12abc", "idx=1 timeout_ms=0",
          "idx=1 call=finit fd=file", "idx=1 sysctl=../../etc", "idx=1 settle_ms=60001", "idx=1 settle_ms=-1"}) {
        auto rec = kv_parse(line);
        ASSERT_TRUE(rec.ok()) << line;
        EXPECT_FALSE(parse_guest_case(*rec).ok()) << line;
    }
    auto ok = kv_parse("idx=1 call=finit fd=minus1");
    EXPECT_TRUE(parse_guest_case(*ok).ok());
}

TEST(GuestCase, IdsArePlainAsciiWords) {
    // Found by fuzz/parsers (results): an id with a byte that is not UTF-8 was written to
    // results.jsonl with U+FFFD in its place, so --resume never recognised the case as recorded.
    for (const char* id : {"c%C1", "a%20b", "x%22y", "%00", "caf%C3%A9"}) {
        auto rec = kv_parse(std::string("idx=1 call=none id=") + id);
        ASSERT_TRUE(rec.ok()) << id;
        EXPECT_FALSE(parse_guest_case(*rec).ok()) << id;
    }
    auto long_id = kv_parse("idx=1 call=none id=" + std::string(kMaxIdLen + 1, 'a'));
    EXPECT_FALSE(parse_guest_case(*long_id).ok());
    auto good = kv_parse("idx=1 call=none id=mal-ehdr_bad.magic:init+2@v/1");
    EXPECT_TRUE(parse_guest_case(*good).ok());
}

// Relative lengths (conformance/cases/default.cases: len=image-1, image/2, image+1): what the
// executor passes and what the host records come from init_len, with the image's size as the
// base only for buffers that hold the image.
TEST(GuestCase, InitLenResolvesRelativeLengths) {
    auto parse = [](const std::string& words) {
        auto rec = kv_parse("idx=1 id=x call=init img=/mh/img/a.ko " + words);
        EXPECT_TRUE(rec.ok()) << words;
        auto c = parse_guest_case(*rec);
        EXPECT_TRUE(c.ok()) << words << ": " << (c.ok() ? "" : c.error().message);
        return *c;
    };
    const uint64_t image = 5000;
    EXPECT_EQ(init_len(parse(""), image), 5000u);
    EXPECT_EQ(init_len(parse("len=64"), image), 64u);
    EXPECT_EQ(init_len(parse("len=image-1"), image), 4999u);
    EXPECT_EQ(init_len(parse("len=image/2"), image), 2500u);
    EXPECT_EQ(init_len(parse("buf=mmap len=image/2"), image), 2500u);
    EXPECT_EQ(init_len(parse("buf=guard_tail len=image+1"), image), 5001u);
    EXPECT_EQ(init_len(parse("buf=guard_tail len=image+65536"), image), 70536u);
    EXPECT_EQ(init_len(parse("len=image-6000"), image), 0u) << "a length below 0 is clamped, not wrapped";
    // A buffer that holds no image: the base is 0, whatever the image file's size.
    EXPECT_EQ(init_len(parse("buf=null len=image+7"), image), 7u);
    EXPECT_EQ(init_len(parse("buf=null"), image), 0u);
    EXPECT_EQ(init_len(parse("buf=null len=-1"), image), ~0ul);

    EXPECT_EQ(len_expression(parse("")), "");
    EXPECT_EQ(len_expression(parse("len=0x40")), "64");
    EXPECT_EQ(len_expression(parse("len=image-1")), "image-1");
    EXPECT_EQ(len_expression(parse("len=image/2")), "image/2");
    EXPECT_EQ(len_expression(parse("buf=guard_tail len=image+65536")), "image+65536");
}

// A LAVA job's case carries the errnos its case file expects; the executor's console line says
// pass only for one of them, and for no result at all (timeout, signal, setup error) fail.
TEST(GuestCase, ConsoleLineForLavaPassesOnlyAnExpectedErrno) {
    auto rec = kv_parse("idx=3 id=fd-minus1 call=finit fd=minus1 lava_expect=9,22");
    ASSERT_TRUE(rec.ok());
    auto c = parse_guest_case(*rec);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->console_expect, (std::vector<int>{9, 22}));
    EXPECT_EQ(to_record(*c).get_or("lava_expect", ""), "9,22");
    auto result = [](const std::string& words) { return *kv_parse("type=result idx=3 id=fd-minus1 " + words); };
    EXPECT_EQ(console_case_line(*c, result("ret=-1 errno=9")), "mh-lava: case=fd-minus1 result=pass errno=9\n");
    EXPECT_EQ(console_case_line(*c, result("ret=-1 errno=2")), "mh-lava: case=fd-minus1 result=fail errno=2\n");
    EXPECT_EQ(console_case_line(*c, result("ret=0 errno=0")), "mh-lava: case=fd-minus1 result=fail errno=0\n");
    EXPECT_EQ(console_case_line(*c, result("timed_out=1")), "mh-lava: case=fd-minus1 result=fail errno=-1\n");
    auto any = parse_guest_case(*kv_parse("idx=0 id=a call=finit fd=minus1 lava_expect=any"));
    ASSERT_TRUE(any.ok());
    EXPECT_EQ(console_case_line(*any, result("ret=0 errno=0")), "mh-lava: case=a result=pass errno=0\n");
    auto none = parse_guest_case(*kv_parse("idx=0 id=a call=finit fd=minus1"));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(console_case_line(*none, result("ret=0 errno=0")), "") << "no line outside a LAVA job";
    EXPECT_FALSE(parse_guest_case(*kv_parse("idx=0 id=a call=finit fd=minus1 lava_expect=9,x")).ok());
}
