// Fuzzer input format: round trip, totality on arbitrary bytes, history cap and descriptions.
#include "harness/mutate/fuzz_input.h"

#include <gtest/gtest.h>

#include <random>

namespace mh::mutate {
namespace {

FuzzInput sample() {
    FuzzInput in;
    in.call = {Syscall::finit_module, FdKind::pipe, 4, "ival=3 sval=x", kConcurrent | kProbeSysfs};
    in.image = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 9, 9, 9};
    record(in, {StepKind::catalogue, 0});
    record(in, {StepKind::call, static_cast<uint16_t>(CallPart::params)});
    return in;
}

TEST(FuzzInput, RoundTrips) {
    const FuzzInput in = sample();
    const Bytes b = encode(in);
    EXPECT_EQ(decode(b), in);
    EXPECT_EQ(image_offset(b), b.size() - in.image.size());
}

TEST(FuzzInput, BareBytesAreAnImageForInitModule) {
    const Bytes raw{0x7f, 'E', 'L', 'F', 1, 2, 3};
    const FuzzInput in = decode(raw);
    EXPECT_EQ(in.image, raw);
    EXPECT_EQ(in.call.syscall, Syscall::init_module);
    EXPECT_TRUE(in.call.params.empty());
    EXPECT_EQ(image_offset(raw), 0u);
}

TEST(FuzzInput, EveryTruncationAndRandomBytesDecodeWithinBounds) {
    const Bytes full = encode(sample());
    for (size_t n = 0; n <= full.size(); ++n) {
        const FuzzInput in = decode(std::span(full.data(), n));
        EXPECT_LE(in.call.params.size(), kMaxParams);
        EXPECT_LE(static_cast<int>(in.call.fd_kind), static_cast<int>(FdKind::count));
    }
    std::mt19937 gen(7);
    for (int i = 0; i < 2000; ++i) {
        Bytes b(kMagic.begin(), kMagic.end());
        for (int j = 0, n = static_cast<int>(gen() % 64); j < n; ++j) b.push_back(static_cast<uint8_t>(gen()));
        const FuzzInput in = decode(b);
        EXPECT_LT(static_cast<int>(in.call.fd_kind), static_cast<int>(FdKind::count));
        EXPECT_LE(in.history.size(), kMaxHistory);
        EXPECT_LE(in.call.params.size() + in.image.size() + 3 * in.history.size(), b.size());
    }
}

TEST(FuzzInput, ActionsSitInTheFormerReservedFieldAndUnknownBitsAreDropped) {
    Bytes b = encode(sample());
    EXPECT_EQ(b[14], kConcurrent | kProbeSysfs);
    EXPECT_EQ(describe_call(decode(b).call), "finit_module fd=pipe flags=4 params=\"ival=3 sval=x\" actions=probe-sysfs,concurrent");
    b[14] = 0xff;
    b[15] = 0xff;  // an old input's reserved bytes, or garbage: only the defined bits survive
    EXPECT_EQ(decode(b).call.actions, kActionMask);
    b[14] = b[15] = 0;
    EXPECT_EQ(decode(b).call.actions, 0);
    EXPECT_EQ(describe_call(decode(b).call), "finit_module fd=pipe flags=4 params=\"ival=3 sval=x\"");
}

TEST(FuzzInput, HistoryKeepsTheNewestSteps) {
    FuzzInput in;
    for (uint16_t i = 0; i < kMaxHistory + 10; ++i) record(in, {StepKind::bytes, i});
    ASSERT_EQ(in.history.size(), kMaxHistory);
    EXPECT_EQ(in.history.front().arg, 10);
    EXPECT_EQ(decode(encode(in)).history, in.history);
}

TEST(FuzzInput, DescribesHistoryAndCall) {
    const FuzzInput in = sample();
    EXPECT_EQ(describe_history(in.history), "catalogue:ehdr-bad-magic call:params");
    EXPECT_EQ(describe_call(in.call), "finit_module fd=pipe flags=4 params=\"ival=3 sval=x\" actions=probe-sysfs,concurrent");
}

}  // namespace
}  // namespace mh::mutate
