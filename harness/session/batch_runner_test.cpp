// BatchRun with a scripted guest instead of QEMU: a result frame that fails its CRC is run again
// in a fresh VM and becomes BROK "result lost" only when the retry loses it too; a kernel report
// printed between two cases becomes a late session event of the case that ran last.
#include "harness/session/batch_runner.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "harness/host/test_files.h"
#include "harness/protocol/frame.h"
#include "harness/protocol/frame_types.h"

namespace mh::session {
namespace {

constexpr const char* kOops =
    "[ 5.0] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
    "[ 5.0] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
    "[ 5.0] RIP: 0010:deferred_work_fn+0x5/0x7\n";

// The guest side of one VM: runs cases [modharness.start, modharness.stop) in order, framing
// start/result records through the real encoder and decoder, so a corrupted byte is a real
// CRC failure. Console text can be printed after a given case's result.
struct ScriptedGuest {
    int cases = 0;
    std::map<std::string, int> corrupt_result_times;  // case id -> VMs in which its result is corrupted
    std::map<std::string, std::string> console_after;  // case id -> console text printed after its result
    std::set<std::string> poisoned;  // case ids whose result says "poisoned": the guest reboots after it
    std::map<std::string, std::string> echo_len;  // case id -> the length its result says was passed
    std::vector<std::string> cmdlines;  // every VM's kernel command line

    static int cmdline_int(const std::string& cmdline, const std::string& key, int fallback) {
        auto at = cmdline.find(key);
        return at == std::string::npos ? fallback : std::atoi(cmdline.c_str() + at + key.size());
    }

    Expected<vm::MonitorResult> operator()(const vm::MonitorOptions& mo) {
        cmdlines.push_back(mo.vm.append);
        const int start = cmdline_int(mo.vm.append, "modharness.start=", 0);
        const int stop = cmdline_int(mo.vm.append, "modharness.stop=", cases);
        std::ofstream console(mo.vm.console_log, std::ios::binary | std::ios::trunc);
        std::uint64_t console_bytes = 0;
        protocol::FrameDecoder decoder;
        auto send = [&](KvRecord rec, bool corrupt) {
            std::string wire = protocol::frame_encode(kv_format(rec));
            if (corrupt) wire[wire.size() - 3] ^= 0x20;  // one flipped bit in the payload
            for (auto& payload : decoder.feed(wire)) {
                auto parsed = kv_parse(payload);
                if (parsed) mo.on_frame(vm::GuestFrame{0.1, console_bytes, *parsed});
            }
        };
        vm::MonitorResult r;
        r.booted = true;
        send(protocol::make_record(protocol::FrameType::Hello), false);
        for (int i = start; i < stop; ++i) {
            const std::string id = "c" + std::to_string(i);
            KvRecord begin = protocol::make_record(protocol::FrameType::Start);
            begin.set("idx", std::to_string(i));
            begin.set("id", id);
            send(begin, false);
            KvRecord result = protocol::make_record(protocol::FrameType::Result);
            result.set("idx", std::to_string(i));
            result.set("id", id);
            result.set("ret", "0");
            result.set("errno", "0");
            if (auto len = echo_len.find(id); len != echo_len.end()) result.set("len", len->second);
            const bool poison = poisoned.count(id) > 0;
            if (poison) {
                poisoned.erase(id);  // the fresh VM goes on after it
                result.set("poisoned", "1");
            }
            bool corrupt = corrupt_result_times[id] > 0;
            if (corrupt) --corrupt_result_times[id];
            send(result, corrupt);
            if (auto text = console_after.find(id); text != console_after.end()) {
                console << text->second << std::flush;
                console_bytes += text->second.size();
            }
            if (poison) {
                send(protocol::make_record(protocol::FrameType::Restart), false);
                r.bad_frames = decoder.bad_frames();
                r.wait_status = 0;
                return r;  // powered off: the host boots a fresh VM at the next case
            }
        }
        send(protocol::make_record(protocol::FrameType::End), false);
        r.bad_frames = decoder.bad_frames();
        r.wait_status = 0;
        return r;
    }
};

struct Fixture {
    host::testing::TempDir dir{"mh-batch"};
    PreparedBatch batch;
    RunnerOptions opt;
    std::vector<CaseOutcome> outcomes;
    std::vector<SessionEvent> events;
    std::vector<std::string> progress;

    Fixture(int n, ScriptedGuest& guest) {
        guest.cases = n;
        for (int i = 0; i < n; ++i) {
            HostCase hc;
            hc.guest.idx = i;
            hc.guest.id = "c" + std::to_string(i);
            hc.expect = std::vector<int>{0};
            batch.cases.push_back(hc);
        }
        batch.token = "t";
        opt.work_dir = dir.path;
        opt.monitor = [&guest](const vm::MonitorOptions& mo) { return guest(mo); };
        opt.on_case = [this](const CaseOutcome& co) { outcomes.push_back(co); };
        opt.on_event = [this](const SessionEvent& ev) { events.push_back(ev); };
        opt.on_progress = [this](const std::string& s) { progress.push_back(s); };
    }
    const CaseOutcome* outcome(const std::string& id) const {
        for (const auto& co : outcomes)
            if (co.id == id) return &co;
        return nullptr;
    }
    // Every case exactly once.
    void expect_one_outcome_each() const {
        std::multiset<std::string> ids;
        for (const auto& co : outcomes) ids.insert(co.id);
        for (const auto& hc : batch.cases) EXPECT_EQ(ids.count(hc.guest.id), 1u) << hc.guest.id;
        EXPECT_EQ(outcomes.size(), batch.cases.size());
    }
};

TEST(BatchRunner, CleanRunIsOneVmWithoutLosses) {
    ScriptedGuest guest;
    Fixture f(3, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    EXPECT_EQ(stats->vms, 1);
    EXPECT_EQ(stats->bad_frames, 0u);
    EXPECT_EQ(stats->results_lost, 0);
    EXPECT_TRUE(stats->completed);
    for (const auto& co : f.outcomes) EXPECT_EQ(co.judgement.verdict, verdict::Verdict::Pass) << co.id;
}

TEST(BatchRunner, CorruptResultFrameIsRunAgainInAFreshVm) {
    ScriptedGuest guest;
    guest.corrupt_result_times["c1"] = 1;
    Fixture f(3, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    EXPECT_EQ(stats->vms, 2);
    EXPECT_EQ(stats->bad_frames, 1u);
    EXPECT_EQ(stats->results_lost, 1);
    EXPECT_TRUE(stats->completed);
    // The retry VM runs exactly the lost case.
    ASSERT_EQ(guest.cmdlines.size(), 2u);
    EXPECT_NE(guest.cmdlines[1].find("modharness.start=1 modharness.stop=2"), std::string::npos) << guest.cmdlines[1];
    const CaseOutcome* c1 = f.outcome("c1");
    ASSERT_NE(c1, nullptr);
    EXPECT_EQ(c1->judgement.verdict, verdict::Verdict::Pass);
    EXPECT_EQ(c1->vm_index, 2);
    EXPECT_EQ(f.outcome("c2")->vm_index, 1);  // the first VM went on past the lost result
    bool said = false;
    for (const auto& p : f.progress) said |= p.find("case c1: result lost") != std::string::npos;
    EXPECT_TRUE(said);
}

TEST(BatchRunner, ResultLostTwiceIsBrokNotAVanishedCase) {
    ScriptedGuest guest;
    guest.corrupt_result_times["c1"] = 2;
    Fixture f(3, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    EXPECT_EQ(stats->vms, 2);
    EXPECT_EQ(stats->bad_frames, 2u);
    EXPECT_EQ(stats->results_lost, 2);
    const CaseOutcome* c1 = f.outcome("c1");
    ASSERT_NE(c1, nullptr);
    EXPECT_EQ(c1->judgement.verdict, verdict::Verdict::Brok);
    EXPECT_EQ(c1->judgement.reason.rfind("result lost", 0), 0u) << c1->judgement.reason;
    EXPECT_EQ(f.outcome("c0")->judgement.verdict, verdict::Verdict::Pass);
    EXPECT_EQ(f.outcome("c2")->judgement.verdict, verdict::Verdict::Pass);
}

TEST(BatchRunner, LastCaseResultLostIsCaughtAtTheEndFrame) {
    ScriptedGuest guest;
    guest.corrupt_result_times["c2"] = 2;
    Fixture f(3, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    EXPECT_EQ(f.outcome("c2")->judgement.verdict, verdict::Verdict::Brok);
}

TEST(BatchRunner, OopsBetweenCasesIsALateEventOfTheCaseThatRanLast) {
    ScriptedGuest guest;
    guest.console_after["c0"] = std::string("[ 4.9] mh: unloading\n") + kOops;
    Fixture f(3, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    ASSERT_EQ(f.events.size(), 1u);
    const SessionEvent& ev = f.events[0];
    EXPECT_EQ(ev.kind, "late-kernel-report");
    EXPECT_EQ(ev.after_id, "c0");
    EXPECT_EQ(ev.vm_index, 1);
    ASSERT_FALSE(ev.crashes.empty());
    EXPECT_EQ(ev.crashes[0].title, "BUG: kernel NULL pointer dereference in deferred_work_fn");
    EXPECT_NE(ev.console_excerpt.find("Oops"), std::string::npos);
    EXPECT_EQ(stats->kernel_events, 1);
    EXPECT_EQ(stats->late_kernel_events, 1);
    // The cases keep their own verdicts: the report came after c0's result and before c1 started.
    EXPECT_EQ(f.outcome("c0")->judgement.verdict, verdict::Verdict::Pass);
    EXPECT_EQ(f.outcome("c1")->judgement.verdict, verdict::Verdict::Pass);
}

TEST(BatchRunner, OopsAfterTheLastResultIsLateToo) {
    ScriptedGuest guest;
    guest.console_after["c1"] = kOops;
    Fixture f(2, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    ASSERT_EQ(f.events.size(), 1u);
    EXPECT_EQ(f.events[0].after_id, "c1");
    EXPECT_EQ(stats->kernel_events, 1);
}

TEST(BatchRunner, QuietConsoleBetweenCasesIsNoEvent) {
    ScriptedGuest guest;
    guest.console_after["c0"] = "[ 4.9] mh: unloading mh_ok\n";
    Fixture f(2, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    EXPECT_TRUE(f.events.empty());
    EXPECT_EQ(stats->kernel_events, 0);
}

}  // namespace
}  // namespace mh::session

namespace mh::session {
namespace {

// The host reads a `start` frame a little late: a report in the window before a case that turns
// out KERNEL may be that case's own, and is counted once, as its verdict, not again as late.
TEST(BatchRunner, ReportBeforeAKernelCaseIsCountedOnce) {
    ScriptedGuest guest;
    guest.console_after["c0"] = kOops;
    guest.poisoned = {"c1"};
    Fixture f(3, guest);
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    EXPECT_TRUE(f.events.empty());
    EXPECT_EQ(f.outcome("c1")->judgement.verdict, verdict::Verdict::Kernel);
    EXPECT_EQ(stats->kernel_events, 1);
    EXPECT_EQ(stats->vms, 2);
    EXPECT_EQ(f.outcome("c2")->vm_index, 2);
}

// The guest echoes the length it passed: agreeing with the host's resolution it is a plain
// result; disagreeing, the case did not run the input its record states and is BROK.
TEST(BatchRunner, EchoedLengthMustMatchTheHostsResolution) {
    ScriptedGuest guest;
    guest.echo_len["c0"] = "4999";
    guest.echo_len["c1"] = "1";
    Fixture f(2, guest);
    for (auto& hc : f.batch.cases) {
        hc.guest.call = protocol::Call::Init;
        hc.image = "seed:sentinel";
        hc.image_bytes = 5000;
        hc.image_hash = "fnv1a64:0000000000000001";
        hc.guest.has_len = true;
        hc.guest.len_op = '-';
        hc.guest.len = 1;
    }
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    EXPECT_EQ(f.outcome("c0")->judgement.verdict, verdict::Verdict::Pass) << f.outcome("c0")->judgement.reason;
    EXPECT_EQ(f.outcome("c1")->judgement.verdict, verdict::Verdict::Brok);
    EXPECT_NE(f.outcome("c1")->judgement.reason.find("passed len 1 but the host resolved len=image-1"), std::string::npos)
        << f.outcome("c1")->judgement.reason;
}

}  // namespace
}  // namespace mh::session

namespace mh::session {
namespace {

// Two lanes side by side: each runs a contiguous half in VMs of its own (its own restarts and
// retries), VM numbers stay unique, and every case still gets exactly one outcome.
TEST(BatchRunner, ParallelLanesSplitTheCasesAndKeepOneOutcomeEach) {
    ScriptedGuest guest;
    guest.poisoned.insert("c3");
    guest.corrupt_result_times["c7"] = 1;
    Fixture f(10, guest);
    std::mutex mu;  // the scripted guest serves one VM at a time
    f.opt.monitor = [&](const vm::MonitorOptions& mo) {
        std::lock_guard<std::mutex> g(mu);
        return guest(mo);
    };
    f.opt.parallel_vms = 2;
    auto stats = run_batch(f.batch, f.opt);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    f.expect_one_outcome_each();
    EXPECT_TRUE(stats->completed);
    // Lane 1: c0..c4 (a restart after c3); lane 2: c5..c9 (c7 again alone).
    EXPECT_EQ(stats->vms, 4);
    EXPECT_EQ(stats->results_lost, 1);
    std::set<int> lane1_vms, lane2_vms;
    for (const auto& co : f.outcomes) (co.idx < 5 ? lane1_vms : lane2_vms).insert(co.vm_index);
    for (int v : lane1_vms) EXPECT_EQ(lane2_vms.count(v), 0u) << "VM " << v << " ran cases of both lanes";
    bool lane1_stops_at_5 = false;
    for (const auto& c : guest.cmdlines) lane1_stops_at_5 |= c.find("modharness.stop=5") != std::string::npos;
    EXPECT_TRUE(lane1_stops_at_5);
    for (const auto& co : f.outcomes) EXPECT_EQ(co.judgement.verdict, verdict::Verdict::Pass) << co.id;
}

}  // namespace
}  // namespace mh::session
