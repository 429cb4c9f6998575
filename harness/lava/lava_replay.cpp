#include "harness/lava/lava_replay.h"

#include <algorithm>
#include <memory>

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/protocol/frame.h"
#include "harness/protocol/frame_types.h"

namespace mh::lava {

std::function<Expected<vm::MonitorResult>(const vm::MonitorOptions&)> replay_monitor(std::string console) {
    auto calls = std::make_shared<int>(0);
    return [console = std::move(console), calls](const vm::MonitorOptions& mo) -> Expected<vm::MonitorResult> {
        vm::MonitorResult r;
        r.started = std::chrono::steady_clock::now();
        const bool first = (*calls)++ == 0;
        if (auto w = write_file_atomic(mo.vm.console_log, first ? console : std::string()); !w) return w.error();
        if (!first) {
            r.end = vm::VmEnd::NoBoot;
            r.wait_status = 0;
            return r;
        }
        protocol::FrameDecoder decoder;
        uint64_t offset = 0;
        for (auto [line, number] : lines(console)) {
            offset = static_cast<uint64_t>(line.data() - console.data()) + line.size() + 1;
            if (line.rfind("MH1 ", 0) != 0) continue;
            for (const auto& payload : decoder.feed(std::string(line) + "\n")) {
                auto rec = kv_parse(payload);
                if (!rec) continue;
                if (protocol::frame_type(*rec) == protocol::FrameType::Hello) r.booted = true;
                vm::GuestFrame f;
                f.console_offset = std::min<uint64_t>(offset, console.size());
                f.record = *rec;
                if (mo.on_frame) mo.on_frame(f);
            }
        }
        r.bad_frames = decoder.bad_frames();
        r.end = r.booted ? vm::VmEnd::Exited : vm::VmEnd::NoBoot;
        r.wait_status = 0;
        return r;
    };
}

}  // namespace mh::lava
