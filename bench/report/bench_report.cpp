// Report assembly: reads a saved report back, computes the figures once and writes every output file.
#include "bench/report/bench_report.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/report/report_outputs.h"
#include "harness/common/files.h"
#include "harness/elf/compression.h"

namespace mh::bench {

const std::vector<PathInfo>& load_paths() {
    static const std::vector<PathInfo> paths = {
        {"buffer", "init_module from a buffer already in memory (the syscall alone)"},
        {"read_init", "open + read into a fresh buffer + init_module (a loader without finit)"},
        {"mmap", "open + mmap of the cached file + init_module + munmap"},
        {"finit_warm", "open + finit_module, file in the page cache"},
        {"finit_cold", "open + finit_module after drop_caches (data re-read from the brd RAM disk)"},
    };
    return paths;
}

std::vector<std::pair<std::string, double>> sizes_of(const GuestRun& run) {
    std::vector<std::pair<std::string, double>> v;
    for (const auto& [name, s] : run.series) {
        if (name.rfind("load/buffer/", 0) != 0) continue;
        v.emplace_back(name.substr(12), s.bytes);
    }
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second < b.second; });
    return v;
}

Expected<ReportInput> load_report_input(const std::filesystem::path& dir) {
    std::ifstream sf(dir / "summary.json");
    if (!sf) return make_error("no summary.json in " + dir.string());
    nlohmann::json js;
    try {
        js = nlohmann::json::parse(sf);
    } catch (const std::exception& e) {
        return make_error("summary.json: " + std::string(e.what()));
    }
    ReportInput in;
    in.accel = js.value("accel", "");
    in.date = js.value("date", "");
    in.command = js.value("command", "");
    in.host_notes = js.value("host", "");
    if (in.host_notes.empty()) {
        // Reports written before "host" was in summary.json keep it in report.md only.
        std::ifstream md(dir / "report.md");
        std::string line;
        while (std::getline(md, line))
            if (line.rfind("- Host: ", 0) == 0) in.host_notes = line.substr(8);
    }
    for (const auto& jk : js.value("kernels", nlohmann::json::array())) {
        KernelRuns k;
        k.kernel = jk.value("kernel", "");
        k.release = jk.value("release", "");
        size_t index = 0;
        for (const auto& f : jk.value("run_facts", nlohmann::json::array())) {
            ++index;
            GuestRun r;
            r.skew_start = f.value("skew_start", 0.0);
            r.skew_end = f.value("skew_end", 0.0);
            r.wall_seconds = f.value("wall_seconds", 0.0);
            r.boot_retries = f.value("boot_retries", 0);
            r.notes = f.value("notes", std::vector<std::string>{});
            auto stem = dir / k.kernel / ("gbench-run" + std::to_string(f.value("run", static_cast<int>(index))) + ".json");
            std::string text;
            if (std::filesystem::exists(stem.string() + ".gz")) {
                auto raw = read_file_bytes(stem.string() + ".gz");
                if (!raw) return raw.error();
                auto plain = elf::decompress(*raw);
                if (!plain) return make_error(stem.string() + ".gz: " + plain.error().message);
                text.assign(plain->begin(), plain->end());
            } else {
                auto plain = read_text_file(stem);
                if (!plain) return make_error("missing " + stem.string() + "(.gz)");
                text = std::move(*plain);
            }
            auto series = parse_gbench_json(text);
            if (!series) return series.error();
            r.series = std::move(*series);
            k.runs.push_back(std::move(r));
        }
        in.kernels.push_back(std::move(k));
    }
    return in;
}

std::string accel_title(const std::string& accel) {
    std::string acc = accel;
    std::transform(acc.begin(), acc.end(), acc.begin(), ::toupper);
    return acc;
}

Status write_report(const ReportInput& in, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::vector<KernelFigures> kernels;
    for (const auto& k : in.kernels) kernels.push_back(compute_figures(k));
    auto write = [&](const std::string& name, const std::string& text) { return write_file_atomic(dir / name, text); };
    // Plots first, summary.json last: the order the files have always been written in.
    for (const auto& [name, svg] : render_plots(in, kernels))
        if (auto s = write(name, svg); !s) return s;
    if (auto s = write("report.md", render_markdown(in, kernels)); !s) return s;
    return write("summary.json", render_summary_json(in, kernels));
}

}  // namespace mh::bench
