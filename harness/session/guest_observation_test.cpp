// observation_from_record: well-formed frames read exactly; malformed or overflowing numbers read as 0.
#include "harness/session/guest_observation.h"

#include <gtest/gtest.h>

namespace mh::session {
namespace {

KvRecord record(std::initializer_list<std::pair<const char*, const char*>> items) {
    KvRecord r;
    for (const auto& [k, v] : items) r.set(k, v);
    return r;
}

TEST(GuestObservation, ReadsWhatTheExecutorWrites) {
    auto o = observation_from_record(record({{"type", "result"},
                                             {"ret", "-1"},
                                             {"errno", "131"},
                                             {"signal", "9"},
                                             {"timed_out", "1"},
                                             {"taint_before", "0x0"},
                                             {"taint_after", "0x3000"},
                                             {"rets", "0,-1,-1"},
                                             {"errnos", "0,17,17"},
                                             {"setup_error", "no img"}}));
    EXPECT_TRUE(o.has_result);
    EXPECT_EQ(o.ret, -1);
    EXPECT_EQ(o.err, 131);
    EXPECT_EQ(o.signal, 9);
    EXPECT_TRUE(o.timed_out);
    EXPECT_EQ(o.taint_before, 0u);
    EXPECT_EQ(o.taint_after, 0x3000u);
    EXPECT_EQ(o.caller_rets, (std::vector<long>{0, -1, -1}));
    EXPECT_EQ(o.caller_errs, (std::vector<int>{0, 17, 17}));
    EXPECT_EQ(o.setup_error, "no img");
}

TEST(GuestObservation, GarbageAndOverflowReadAsZero) {
    auto o = observation_from_record(record({{"ret", "12abc"},
                                             {"errno", "99999999999999999999"},
                                             {"signal", "-"},
                                             {"taint_after", "0xzz"},
                                             {"taint_before", "0x1ffffffffffffffff"},
                                             {"rets", ",x,7,"},
                                             {"errnos", "2147483648"}}));
    EXPECT_TRUE(o.has_result);
    EXPECT_EQ(o.ret, 0);
    EXPECT_EQ(o.err, 0);
    EXPECT_EQ(o.signal, 0);
    EXPECT_EQ(o.taint_after, 0u);
    EXPECT_EQ(o.taint_before, 0u);
    EXPECT_EQ(o.caller_rets, (std::vector<long>{0, 0, 7}));
    EXPECT_EQ(o.caller_errs, (std::vector<int>{0}));
    EXPECT_FALSE(observation_from_record(KvRecord{}).has_result);
}

}  // namespace
}  // namespace mh::session
