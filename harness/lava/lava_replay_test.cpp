#include "harness/lava/lava_replay.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "harness/common/files.h"
#include "harness/protocol/frame.h"
#include "harness/protocol/frame_types.h"

namespace mh::lava {
namespace {

std::string frame(protocol::FrameType t, const std::string& rest) {
    std::string payload = kv_format(protocol::make_record(t));
    if (!rest.empty()) payload += " " + rest;
    std::string f = protocol::frame_encode(payload);
    f.pop_back();  // the console line without its '\n' (parse_job_log adds one per line)
    return f;
}

TEST(LavaReplay, HandsOverTheFramesOfTheConsoleOnceThenNoVmBootsAgain) {
    const auto dir = std::filesystem::temp_directory_path() / ("mh-lava-replay-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string console = "[    0.1] booting\n" + frame(protocol::FrameType::Hello, "version=1") + "\n" +
                                "[    0.2] a kernel line\n" + frame(protocol::FrameType::Start, "idx=0 id=a") + "\n" +
                                "MH1 9 00000000 corrupted\n" + frame(protocol::FrameType::End, "") + "\n";
    auto monitor = replay_monitor(console);
    vm::MonitorOptions mo;
    mo.vm.console_log = dir / "console-1.log";
    std::vector<vm::GuestFrame> frames;
    mo.on_frame = [&](const vm::GuestFrame& f) { frames.push_back(f); };
    auto r = monitor(mo);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->booted);
    EXPECT_EQ(r->end, vm::VmEnd::Exited);
    EXPECT_EQ(r->bad_frames, 1u);
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(protocol::frame_type(frames[0].record), protocol::FrameType::Hello);
    EXPECT_EQ(frames[1].record.get_or("id", ""), "a");
    // Offsets point just past each frame's line: the text between two frames is what the kernel
    // printed between them.
    EXPECT_EQ(console.substr(frames[0].console_offset, 10), "[    0.2] ");
    EXPECT_LT(frames[1].console_offset, frames[2].console_offset);
    EXPECT_EQ(read_text_file(mo.vm.console_log).value_or(""), console);

    mo.vm.console_log = dir / "console-2.log";
    frames.clear();
    auto again = monitor(mo);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->booted);
    EXPECT_EQ(again->end, vm::VmEnd::NoBoot);
    EXPECT_TRUE(frames.empty());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mh::lava
