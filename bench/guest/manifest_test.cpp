// The guest bench manifest parser (compiled for the host; the guest uses the same code).
#include "bench/guest/bench_manifest.h"

#include <gtest/gtest.h>

using namespace mh::bench;

TEST(BenchManifest, ParsesEveryLineType) {
    std::string text =
        "# comment\n"
        "type=store brd=/mh/brd.ko image=/mh/store.ext4 mount=/store\n"
        "type=module bytes=120936 label=8k name=mh_big_8k path=/store/big_8k.ko xz=/store/big_8k.ko.xz reps=21\n"
        "type=reject class=bad-flags call=finit path=/store/big_8k.ko name=mh_big_8k flags=256 reps=60\n"
        "type=reject class=bad-fd call=finit reps=60\n"
        "type=settings calib_reps=7 calib_bytes=1048576 calib_file=/store/big_8k.ko skew_sleep=1.5 interleave=0\n";
    auto m = parse_manifest(text);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->store.brd_module, "/mh/brd.ko");
    ASSERT_EQ(m->modules.size(), 1u);
    EXPECT_EQ(m->modules[0].bytes, 120936u);
    EXPECT_EQ(m->modules[0].xz_path, "/store/big_8k.ko.xz");
    EXPECT_EQ(m->modules[0].reps, 21);
    ASSERT_EQ(m->rejects.size(), 2u);
    EXPECT_EQ(m->rejects[0].flags, 256u);
    EXPECT_EQ(m->rejects[1].path, "");
    EXPECT_EQ(m->calib_bytes, 1048576u);
    EXPECT_DOUBLE_EQ(m->skew_sleep_s, 1.5);
    EXPECT_FALSE(m->interleave);
}

TEST(BenchManifest, ErrorsNameTheLine) {
    auto m = parse_manifest("type=store brd=x image=y\ntype=module label=8k\n");
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message.find("bench.conf:2"), std::string::npos);
    EXPECT_FALSE(parse_manifest("type=bogus\n"));
}
