// The case loop against a fake kernel: results, timing, unload, timeouts, crashes, taint poisoning.
#include "harness/executor/case_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>

#include "harness/executor/fake_backend.h"

using namespace mh;
using namespace mh::executor;
using mh::executor::testing::FakeBackend;

namespace {

std::string write_image(const std::string& bytes) {
    std::string path = ::testing::TempDir() + "/img-" + std::to_string(::getpid()) + ".ko";
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

protocol::GuestCase base_case(protocol::Call call) {
    protocol::GuestCase c;
    c.idx = 3;
    c.id = "t";
    c.call = call;
    c.image = write_image(std::string(200, 'x'));
    c.module_name = "mh_ok";
    c.timeout_ms = 2000;
    return c;
}

RunnerEnv env() {
    RunnerEnv e;
    e.scratch_dir = ::testing::TempDir();
    return e;
}

}  // namespace

TEST(CaseRunner, SuccessfulInitIsTimedAndUnloaded) {
    FakeBackend be;
    auto out = run_case(base_case(protocol::Call::Init), be, env());
    EXPECT_EQ(out.record.get("ret"), "0");
    EXPECT_EQ(out.record.get("errno"), "0");
    EXPECT_TRUE(out.record.has("ns"));
    EXPECT_EQ(out.record.get("unload"), "0");
    EXPECT_EQ(be.state->init_calls, 1);
    EXPECT_EQ(be.state->delete_calls, 1);
    EXPECT_EQ(be.state->last_len, 200u);
    EXPECT_FALSE(out.poisoned);
}

TEST(CaseRunner, FailureIsRecordedAndNotUnloaded) {
    FakeBackend be;
    be.on_finit = [](int, unsigned long, int) { return sys::RawResult{-1, 8}; };
    auto c = base_case(protocol::Call::Finit);
    c.flags = 0x100;
    auto out = run_case(c, be, env());
    EXPECT_EQ(out.record.get("ret"), "-1");
    EXPECT_EQ(out.record.get("errno"), "8");
    EXPECT_FALSE(out.record.has("unload"));
    EXPECT_EQ(be.state->delete_calls, 0);
    EXPECT_EQ(be.state->last_flags, 0x100u);
    EXPECT_EQ(be.state->last_fd_was_open, 1);
}

TEST(CaseRunner, LengthOverrideAndParams) {
    FakeBackend be;
    auto c = base_case(protocol::Call::Init);
    c.has_len = true;
    c.len = 63;
    c.params = "a=1 b=hello";
    run_case(c, be, env());
    EXPECT_EQ(be.state->last_len, 63u);
    EXPECT_STREQ(be.state->last_params, "a=1 b=hello");
}

// The result frame says which length was passed, so the host records what ran, not a guess.
TEST(CaseRunner, PassedLengthIsEchoed) {
    struct Want {
        const char* buf;
        char op;
        uint64_t n;
        unsigned long passed;
    };
    for (Want w : {Want{"image", 0, 0, 200}, Want{"image", '-', 1, 199}, Want{"mmap", '/', 2, 100}, Want{"guard_tail", '+', 1, 201},
                   Want{"null", '+', 7, 7}}) {
        FakeBackend be;
        auto c = base_case(protocol::Call::Init);
        c.buffer = w.buf;
        c.has_len = w.op != 0;
        c.len_op = w.op;
        c.len = w.n;
        auto out = run_case(c, be, env());
        EXPECT_EQ(be.state->last_len, w.passed) << w.buf << " " << w.op << w.n;
        EXPECT_EQ(out.record.get("len"), std::to_string(w.passed)) << w.buf << " " << w.op << w.n;
    }
    FakeBackend be;
    auto out = run_case(base_case(protocol::Call::Finit), be, env());
    EXPECT_FALSE(out.record.has("len")) << "finit_module takes no length";
}

TEST(CaseRunner, HangTimesOutAndPoisons) {
    FakeBackend be;
    be.on_init = [](unsigned long) -> sys::RawResult {
        for (;;) ::pause();
    };
    auto c = base_case(protocol::Call::Init);
    c.timeout_ms = 200;
    auto out = run_case(c, be, env());
    EXPECT_EQ(out.record.get("timed_out"), "1");
    EXPECT_FALSE(out.record.has("ret"));
    EXPECT_TRUE(out.poisoned);
}

TEST(CaseRunner, ChildKilledBySignalPoisons) {
    FakeBackend be;
    be.on_init = [](unsigned long) -> sys::RawResult {
        ::raise(SIGKILL);  // what the kernel does to a task that oopsed
        return {0, 0};
    };
    auto out = run_case(base_case(protocol::Call::Init), be, env());
    EXPECT_EQ(out.record.get("signal"), "9");
    EXPECT_TRUE(out.poisoned);
}

TEST(CaseRunner, NewDieTaintPoisonsAndLogIsAttached) {
    FakeBackend be;
    be.state->taint = 0x1000;  // O: out-of-tree, harmless
    be.on_init = [&be](unsigned long) {
        be.state->taint |= 1u << 7;  // D
        return sys::RawResult{-1, 14};
    };
    be.log = {"stale line"};
    auto out = run_case(base_case(protocol::Call::Init), be, env());
    EXPECT_EQ(out.record.get("taint_before"), "0x1000");
    EXPECT_EQ(out.record.get("taint_after"), "0x1080");
    EXPECT_TRUE(out.poisoned);
    EXPECT_FALSE(out.record.has("kmsg"));  // the stale line was discarded before the call
}

TEST(CaseRunner, SetupErrorIsBrokenNotACall) {
    FakeBackend be;
    auto c = base_case(protocol::Call::Init);
    c.image = "/nonexistent/image.ko";
    auto out = run_case(c, be, env());
    EXPECT_TRUE(out.record.has("setup_error"));
    EXPECT_FALSE(out.record.has("ret"));
    EXPECT_EQ(be.state->init_calls, 0);
}

TEST(CaseRunner, ConcurrentCallersAllReport) {
    FakeBackend be;
    // The fake "kernel": the first finit wins, later ones see EEXIST (6.1 behaviour for a LIVE module).
    be.on_finit = [](int, unsigned long, int nth) { return nth == 1 ? sys::RawResult{0, 0} : sys::RawResult{-1, 17}; };
    be.on_init = [](unsigned long) { return sys::RawResult{-1, 17}; };
    auto c = base_case(protocol::Call::Finit);
    c.concurrent = 4;
    c.race_init = true;
    auto out = run_case(c, be, env());
    ASSERT_TRUE(out.record.has("rets")) << kv_format(out.record);
    EXPECT_EQ(be.state->finit_calls + be.state->init_calls, 4);
    EXPECT_EQ(be.state->init_calls, 1);
    auto errs = *out.record.get("errnos");
    EXPECT_EQ(std::count(errs.begin(), errs.end(), ','), 3);
    EXPECT_EQ(out.record.get("unload"), "0");  // one caller loaded it: unloaded once
    EXPECT_EQ(be.state->delete_calls, 1);
}
