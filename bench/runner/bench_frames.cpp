// Bench frames: chunks, notes, errors and skew phases (<phase>-begin / <phase>-end, host vs guest time).
#include "bench/runner/bench_frames.h"

#include <cstdlib>
#include <map>

#include "bench/report/chunks.h"
#include "harness/common/files.h"
#include "harness/protocol/frame_types.h"
#include "harness/vm/cpio.h"

namespace mh::bench {
namespace {

// The clock check: host seconds over guest seconds across the guest's timed sleeps.
class SkewCheck {
public:
    void feed(const vm::GuestFrame& f, GuestRun& run) {
        std::string phase = f.record.get_or("phase", "");
        if (phase.size() > 6 && phase.substr(phase.size() - 6) == "-begin")
            begin_[phase.substr(0, phase.size() - 6)] = f.host_seconds;
        else if (phase.size() > 4 && phase.substr(phase.size() - 4) == "-end") {
            std::string p = phase.substr(0, phase.size() - 4);
            double guest = std::strtod(f.record.get_or("guest_ns", "0").c_str(), nullptr) / 1e9;
            if (begin_.count(p) && guest > 0) {
                double ratio = (f.host_seconds - begin_[p]) / guest;
                (p == "start" ? run.skew_start : run.skew_end) = ratio;
            }
        }
    }

private:
    std::map<std::string, double> begin_;
};

}  // namespace

GuestRun collect_run(const vm::GuestProgramResult& r, const std::filesystem::path& dir, int run_index, std::string& error) {
    GuestRun run;
    ChunkAssembler chunks;
    SkewCheck skew;
    for (const auto& f : r.frames) {
        const auto type = protocol::frame_type(f.record);
        if (type == protocol::FrameType::Chunk)
            chunks.feed(f.record);
        else if (type == protocol::FrameType::Note)
            run.notes.push_back(f.record.get_or("key", "") + ": " + f.record.get_or("text", ""));
        else if (type == protocol::FrameType::Error)
            error = f.record.get_or("message", "guest error");
        else if (type == protocol::FrameType::Skew)
            skew.feed(f, run);
    }
    run.wall_seconds = r.wall_seconds;
    auto json = chunks.text("gbench");
    if (!json) {
        if (error.empty())
            error = "no complete benchmark JSON (" + std::to_string(chunks.missing("gbench").size()) + " chunks missing; VM " +
                    (r.vm_event.empty() ? r.exit_status : r.vm_event) + ")";
        return run;
    }
    // Raw data for --rerender; gzip: the JSON of one VM is ~0.9 MB and compresses ~10x.
    if (auto w = write_file_atomic(dir / ("gbench-run" + std::to_string(run_index) + ".json.gz"), vm::gzip_compress(*json, 9)); !w) {
        error = w.error().message;
        return run;
    }
    auto series = parse_gbench_json(*json);
    if (!series) {
        error = series.error().message;
        return run;
    }
    run.series = std::move(*series);
    return run;
}

}  // namespace mh::bench
