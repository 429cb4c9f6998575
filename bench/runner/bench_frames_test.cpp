// Bench frame collection: notes, guest errors, the clock check and the reassembled benchmark JSON.
#include "bench/runner/bench_frames.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "harness/protocol/frame_types.h"

using namespace mh;
using namespace mh::bench;

namespace {

vm::GuestFrame frame(protocol::FrameType type, double host_seconds, std::vector<std::pair<std::string, std::string>> kv) {
    vm::GuestFrame f;
    f.host_seconds = host_seconds;
    f.record = protocol::make_record(type);
    for (const auto& [k, v] : kv) f.record.set(k, v);
    return f;
}

vm::GuestFrame skew(const std::string& phase, double host_seconds, const std::string& guest_ns = "") {
    std::vector<std::pair<std::string, std::string>> kv = {{"phase", phase}};
    if (!guest_ns.empty()) kv.emplace_back("guest_ns", guest_ns);
    return frame(protocol::FrameType::Skew, host_seconds, kv);
}

struct TempDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() / ("bench_frames_test." + std::to_string(::getpid()));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

TEST(BenchFrames, NotesSkewAndMissingJson) {
    vm::GuestProgramResult r;
    r.wall_seconds = 12.5;
    r.vm_event = "idle";
    r.frames = {frame(protocol::FrameType::Note, 1, {{"key", "store"}, {"text", "ext4 on brd"}}),
                skew("start-begin", 2.0),
                skew("start-end", 4.0, "1000000000"),
                skew("end-begin", 10.0),
                skew("end-end", 11.0, "2000000000"),
                frame(protocol::FrameType::Chunk, 11.5, {{"stream", "gbench"}, {"seq", "1"}, {"total", "3"}, {"data", "x"}})};
    TempDir dir;
    std::string error;
    auto run = collect_run(r, dir.path, 1, error);
    EXPECT_EQ(run.notes, (std::vector<std::string>{"store: ext4 on brd"}));
    EXPECT_DOUBLE_EQ(run.skew_start, 2.0);
    EXPECT_DOUBLE_EQ(run.skew_end, 0.5);
    EXPECT_DOUBLE_EQ(run.wall_seconds, 12.5);
    EXPECT_TRUE(run.series.empty());
    EXPECT_EQ(error, "no complete benchmark JSON (2 chunks missing; VM idle)");
    EXPECT_FALSE(std::filesystem::exists(dir.path / "gbench-run1.json.gz"));
}

TEST(BenchFrames, GuestErrorWinsOverMissingJson) {
    vm::GuestProgramResult r;
    r.exit_status = "exited 1";
    r.frames = {frame(protocol::FrameType::Error, 1, {{"message", "no brd"}})};
    TempDir dir;
    std::string error;
    collect_run(r, dir.path, 1, error);
    EXPECT_EQ(error, "no brd");
}

TEST(BenchFrames, CompleteJsonIsParsedAndSaved) {
    const std::string json = R"({"benchmarks": [{"name": "load/buffer/8k/iterations:1/repeats:1/manual_time",
        "run_type": "iteration", "real_time": 12.5, "time_unit": "us", "bytes": 120936}]})";
    vm::GuestProgramResult r;
    r.frames = {frame(protocol::FrameType::Chunk, 1, {{"stream", "gbench"}, {"seq", "0"}, {"total", "1"}, {"data", json}})};
    TempDir dir;
    std::string error;
    auto run = collect_run(r, dir.path, 3, error);
    EXPECT_EQ(error, "");
    ASSERT_EQ(run.series.count("load/buffer/8k"), 1u);
    EXPECT_DOUBLE_EQ(run.series["load/buffer/8k"].ns.at(0), 12500);
    EXPECT_TRUE(std::filesystem::exists(dir.path / "gbench-run3.json.gz"));
}
