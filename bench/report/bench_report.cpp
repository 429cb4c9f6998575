// Report assembly: pooled samples per kernel, per-run ratios for the run-to-run spread.
#include "bench/report/bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "bench/report/cost_model.h"
#include "harness/elf/compression.h"
#include "bench/report/stats.h"
#include "bench/report/svg_plot.h"

namespace mh::bench {
namespace {

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

// Microseconds with sensible precision.
std::string us(double ns) {
    double u = ns / 1e3;
    if (u >= 1000) return fmt("%.0f", u);
    if (u >= 10) return fmt("%.1f", u);
    return fmt("%.2f", u);
}

std::vector<double> pooled(const KernelRuns& k, const std::string& name, bool unload = false) {
    std::vector<double> out;
    for (const auto& r : k.runs) {
        auto it = r.series.find(name);
        if (it == r.series.end()) continue;
        const auto& v = unload ? it->second.unload_ns : it->second.ns;
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

const SeriesData* first_series(const KernelRuns& k, const std::string& name) {
    for (const auto& r : k.runs) {
        auto it = r.series.find(name);
        if (it != r.series.end()) return &it->second;
    }
    return nullptr;
}

std::vector<std::pair<std::string, double>> kernel_sizes(const KernelRuns& k) {
    std::map<std::string, double> m;
    for (const auto& r : k.runs)
        for (auto& [label, bytes] : sizes_of(r)) m[label] = bytes;
    std::vector<std::pair<std::string, double>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second < b.second; });
    return v;
}

// ns per byte of a calibration series (median time / bytes).
double per_byte(const KernelRuns& k, const std::string& name) {
    auto v = pooled(k, name);
    const SeriesData* s = first_series(k, name);
    if (v.empty() || !s || s->bytes <= 0) return 0;
    return median(v) / s->bytes;
}

const char* kRatioPaths[] = {"finit_warm", "finit_cold", "mmap", "read_init"};

}  // namespace

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
                auto raw = elf::read_file(stem.string() + ".gz");
                if (!raw) return raw.error();
                auto plain = elf::decompress(*raw);
                if (!plain) return make_error(stem.string() + ".gz: " + plain.error().message);
                text.assign(plain->begin(), plain->end());
            } else {
                std::ifstream g(stem);
                if (!g) return make_error("missing " + stem.string() + "(.gz)");
                std::stringstream ss;
                ss << g.rdbuf();
                text = ss.str();
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

Status write_report(const ReportInput& in, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::ostringstream md;
    nlohmann::json js;
    js["schema"] = "modharness.bench/1";
    js["accel"] = in.accel;
    js["date"] = in.date;
    js["command"] = in.command;
    js["host"] = in.host_notes;
    std::string ACC = in.accel;
    std::transform(ACC.begin(), ACC.end(), ACC.begin(), ::toupper);

    md << "# Module load latency: finit_module (fd) vs init_module (buffer) — " << ACC << "\n\n";
    md << "**Accelerator: " << ACC << ".** ";
    if (in.accel == "tcg")
        md << "Absolute times are those of software emulation (slow); compare the ratios between paths and the per-byte "
              "costs relative to the guest's own memcpy, which are what can carry over to real hardware (fixed costs "
              "tied to the timer tick and page-fault costs are relatively larger under emulation).\n\n";
    else
        md << "\n\n";
    md << "- Date (UTC): " << in.date << "\n- Command: `" << in.command << "`\n";
    if (!in.host_notes.empty()) md << "- Host: " << in.host_notes << "\n";
    md << "- Samples: one operation per sample (Google Benchmark, Iterations(1), repetitions randomly interleaved "
          "across all benchmarks in the same VM); CI = 95 % percentile bootstrap of the median (2000 resamples). "
          "Pooled over all runs of a kernel unless marked per run.\n\n";
    md << "Paths:\n\n";
    for (const auto& p : load_paths()) md << "- `" << p.id << "`: " << p.what << "\n";
    md << "\n";

    std::vector<PlotSeries> lat_series, ratio_series, unload_series;
    bool two = in.kernels.size() > 1;
    for (size_t ki = 0; ki < in.kernels.size(); ++ki) {
        const auto& k = in.kernels[ki];
        nlohmann::json jk;
        jk["kernel"] = k.kernel;
        jk["release"] = k.release;
        jk["runs"] = k.runs.size();
        md << "## " << k.kernel << " (" << k.release << "), " << k.runs.size() << " run(s)\n\n";
        // Run facts.
        md << "| run | VM wall s | boot retries | clock check start (host/guest) | end | notes |\n|---|---|---|---|---|---|\n";
        for (size_t ri = 0; ri < k.runs.size(); ++ri) {
            const auto& r = k.runs[ri];
            std::string notes;
            for (const auto& n : r.notes) notes += (notes.empty() ? "" : "; ") + n;
            md << "| " << ri + 1 << " | " << fmt("%.1f", r.wall_seconds) << " | " << r.boot_retries << " | "
               << fmt("%.4f", r.skew_start) << " | " << fmt("%.4f", r.skew_end) << " | " << notes << " |\n";
            jk["run_facts"].push_back({{"run", r.run_index > 0 ? r.run_index : static_cast<int>(ri + 1)},
                                       {"wall_seconds", r.wall_seconds}, {"boot_retries", r.boot_retries},
                                       {"skew_start", r.skew_start}, {"skew_end", r.skew_end}, {"notes", r.notes}});
        }
        md << "\n";

        auto sizes = kernel_sizes(k);
        // Latency table.
        md << "### Load latency by size (µs: median [95 % CI], p95)\n\n| size | bytes |";
        for (const auto& p : load_paths()) md << " " << p.id << " |";
        md << "\n|---|---|";
        for (size_t i = 0; i < load_paths().size(); ++i) md << "---|";
        md << "\n";
        for (const auto& [label, bytes] : sizes) {
            md << "| " << label << " | " << fmt("%.0f", bytes) << " |";
            for (const auto& p : load_paths()) {
                std::string name = std::string("load/") + p.id + "/" + label;
                auto v = pooled(k, name);
                const SeriesData* sd = first_series(k, name);
                if (v.empty()) {
                    md << " " << (sd && !sd->error.empty() ? sd->error : "—") << " |";
                    continue;
                }
                auto s = summarize(v);
                md << " " << us(s.median) << " [" << us(s.ci_lo) << "–" << us(s.ci_hi) << "], p95 " << us(s.p95)
                   << " (n=" << s.n << ") |";
                jk["latency"][label][p.id] = {{"n", s.n},        {"median_ns", s.median}, {"p95_ns", s.p95},
                                              {"ci_lo_ns", s.ci_lo}, {"ci_hi_ns", s.ci_hi}, {"bytes", bytes}};
            }
            md << "\n";
        }
        md << "\n";

        // Ratio table, pooled and per run.
        md << "### Ratios to the buffer path (median ratio [95 % CI]; per-run values; spread = max − min over runs)\n\n";
        md << "| size |";
        for (const char* rp : kRatioPaths) md << " " << rp << "/buffer | per run | spread |";
        md << "\n|---|";
        for (size_t i = 0; i < std::size(kRatioPaths); ++i) md << "---|---|---|";
        md << "\n";
        std::map<std::string, std::vector<PlotPoint>> ratio_pts;
        for (const auto& [label, bytes] : sizes) {
            md << "| " << label << " |";
            auto base = pooled(k, "load/buffer/" + label);
            for (const char* rp : kRatioPaths) {
                auto v = pooled(k, std::string("load/") + rp + "/" + label);
                if (v.empty() || base.empty()) {
                    md << " — | | |";
                    continue;
                }
                auto r = ratio_of_medians(v, base);
                std::vector<double> per_run;
                for (const auto& run : k.runs) {
                    auto a = run.series.find(std::string("load/") + rp + "/" + label);
                    auto b = run.series.find("load/buffer/" + label);
                    if (a == run.series.end() || b == run.series.end() || a->second.ns.empty() || b->second.ns.empty()) continue;
                    per_run.push_back(median(a->second.ns) / median(b->second.ns));
                }
                std::string pr;
                for (double x : per_run) pr += (pr.empty() ? "" : ", ") + fmt("%.3f", x);
                double spread = per_run.size() > 1 ? *std::max_element(per_run.begin(), per_run.end()) -
                                                         *std::min_element(per_run.begin(), per_run.end())
                                                   : 0;
                md << " " << fmt("%.3f", r.ratio) << " [" << fmt("%.3f", r.ci_lo) << "–" << fmt("%.3f", r.ci_hi) << "] | "
                   << pr << " | " << (per_run.size() > 1 ? fmt("%.3f", spread) : "—") << " |";
                jk["ratios"][label][std::string(rp) + "/buffer"] = {
                    {"ratio", r.ratio}, {"ci_lo", r.ci_lo}, {"ci_hi", r.ci_hi}, {"per_run", per_run}, {"spread", spread}};
                ratio_pts[rp].push_back({bytes, r.ratio, r.ci_lo, r.ci_hi});
            }
            md << "\n";
        }
        md << "\n";
        for (size_t ri = 0; ri < std::size(kRatioPaths); ++ri)
            if (!ratio_pts[kRatioPaths[ri]].empty())
                ratio_series.push_back({(two ? k.kernel + ": " : std::string()) + kRatioPaths[ri] + "/buffer",
                                        ratio_pts[kRatioPaths[ri]], ki > 0, static_cast<int>(ri)});

        // Cost models.
        double memcpy_b = per_byte(k, "calib/memcpy");
        double pc_b = per_byte(k, "calib/pagecache_read");
        double cold_b = per_byte(k, "calib/cold_read");
        md << "### Cost model per path (weighted least squares over the size medians: t = fixed + per_byte × size)\n\n";
        md << "Guest references measured in the same run: memcpy " << fmt("%.3f", memcpy_b) << " ns/byte ("
           << fmt("%.0f", memcpy_b > 0 ? 1e3 / memcpy_b : 0) << " MB/s), page-cache read() " << fmt("%.3f", pc_b)
           << " ns/byte (" << fmt("%.0f", pc_b > 0 ? 1e3 / pc_b : 0) << " MB/s), cold read() from brd "
           << fmt("%.3f", cold_b) << " ns/byte (" << fmt("%.0f", cold_b > 0 ? 1e3 / cold_b : 0) << " MB/s).\n\n";
        md << "| path | fixed µs | per-byte ns | × memcpy | × page-cache read | R² |\n|---|---|---|---|---|---|\n";
        jk["reference_ns_per_byte"] = {{"memcpy", memcpy_b}, {"pagecache_read", pc_b}, {"cold_read", cold_b}};
        for (size_t pi = 0; pi < load_paths().size(); ++pi) {
            const auto& p = load_paths()[pi];
            std::vector<double> xs, ys;
            std::vector<PlotPoint> pts;
            for (const auto& [label, bytes] : sizes) {
                auto v = pooled(k, std::string("load/") + p.id + "/" + label);
                if (v.empty()) continue;
                auto s = summarize(v);
                xs.push_back(bytes);
                ys.push_back(s.median);
                pts.push_back({bytes, s.median / 1e3, s.ci_lo / 1e3, s.ci_hi / 1e3});
            }
            if (!pts.empty()) lat_series.push_back({(two ? k.kernel + ": " : std::string()) + p.id, pts, ki > 0, static_cast<int>(pi)});
            auto m = fit_cost_model(xs, ys);
            if (!m.ok) continue;
            md << "| " << p.id << " | " << us(m.fixed_ns) << " | " << fmt("%.3f", m.per_byte_ns) << " | "
               << (memcpy_b > 0 ? fmt("%.2f", m.per_byte_ns / memcpy_b) : "—") << " | "
               << (pc_b > 0 ? fmt("%.2f", m.per_byte_ns / pc_b) : "—") << " | " << fmt("%.4f", m.r2) << " |\n";
            jk["cost_model"][p.id] = {{"fixed_ns", m.fixed_ns},
                                      {"per_byte_ns", m.per_byte_ns},
                                      {"x_memcpy", memcpy_b > 0 ? m.per_byte_ns / memcpy_b : 0},
                                      {"x_pagecache_read", pc_b > 0 ? m.per_byte_ns / pc_b : 0},
                                      {"r2", m.r2}};
        }
        md << "\n";

        // Unload.
        md << "### Unload (delete_module, timed separately right after each successful load; all load paths pooled)\n\n"
              "| size | median µs [95 % CI] | p95 µs | n |\n|---|---|---|---|\n";
        std::vector<PlotPoint> upts;
        for (const auto& [label, bytes] : sizes) {
            std::vector<double> v;
            for (const auto& p : load_paths()) {
                auto u = pooled(k, std::string("load/") + p.id + "/" + label, true);
                v.insert(v.end(), u.begin(), u.end());
            }
            if (v.empty()) continue;
            auto s = summarize(v);
            md << "| " << label << " | " << us(s.median) << " [" << us(s.ci_lo) << "–" << us(s.ci_hi) << "] | " << us(s.p95)
               << " | " << s.n << " |\n";
            jk["unload"][label] = {{"median_ns", s.median}, {"p95_ns", s.p95}, {"ci_lo_ns", s.ci_lo}, {"ci_hi_ns", s.ci_hi}, {"n", s.n}};
            upts.push_back({bytes, s.median / 1e3, s.ci_lo / 1e3, s.ci_hi / 1e3});
        }
        if (!upts.empty()) unload_series.push_back({(two ? k.kernel + ": " : std::string()) + "delete_module", upts, ki > 0, 0});
        md << "\n";

        // Compression.
        md << "### xz-compressed module: in-kernel decompression vs user-space liblzma + init_module\n\n"
              "| size | finit(MODULE_INIT_COMPRESSED_FILE) µs | user xz + init_module µs | finit_compressed / user_xz |\n"
              "|---|---|---|---|\n";
        bool any_xz = false;
        for (const auto& [label, bytes] : sizes) {
            const SeriesData* fc = first_series(k, "xz/finit_compressed/" + label);
            const SeriesData* ux = first_series(k, "xz/user_xz/" + label);
            if (!fc && !ux) continue;
            any_xz = true;
            auto a = pooled(k, "xz/finit_compressed/" + label), b = pooled(k, "xz/user_xz/" + label);
            auto cell = [](const std::vector<double>& v, const SeriesData* s) -> std::string {
                if (v.empty()) return s && !s->error.empty() ? s->error : "—";
                auto x = summarize(v);
                return us(x.median) + " [" + us(x.ci_lo) + "–" + us(x.ci_hi) + "]";
            };
            std::string ratio = "—";
            if (!a.empty() && !b.empty()) {
                auto r = ratio_of_medians(a, b);
                ratio = fmt("%.3f", r.ratio) + " [" + fmt("%.3f", r.ci_lo) + "–" + fmt("%.3f", r.ci_hi) + "]";
                jk["xz"][label]["ratio"] = r.ratio;
            }
            md << "| " << label << " | " << cell(a, fc) << " | " << cell(b, ux) << " | " << ratio << " |\n";
            if (!a.empty()) jk["xz"][label]["finit_compressed_median_ns"] = median(a);
            else if (fc) jk["xz"][label]["finit_compressed_error"] = fc->error;
            if (!b.empty()) jk["xz"][label]["user_xz_median_ns"] = median(b);
        }
        if (!any_xz) md << "| (no xz inputs in this run) | | | |\n";
        md << "\n";

        // Rejections.
        md << "### Rejection latency (the cost of saying no; the input is already in memory / the fd already open)\n\n"
              "| class | call | errno | median µs [95 % CI] | p95 µs | n |\n|---|---|---|---|---|---|\n";
        std::set<std::string> rejects;
        for (const auto& r : k.runs)
            for (const auto& [name, s] : r.series)
                if (name.rfind("reject/", 0) == 0) rejects.insert(name);
        for (const auto& name : rejects) {
            auto v = pooled(k, name);
            const SeriesData* sd = first_series(k, name);
            auto slash = name.rfind('/');
            std::string klass = name.substr(7, slash - 7), call = name.substr(slash + 1);
            if (v.empty()) {
                md << "| " << klass << " | " << call << " | — | " << (sd ? sd->error : "") << " | | |\n";
                continue;
            }
            auto s = summarize(v);
            md << "| " << klass << " | " << call << " | " << (sd ? sd->err : 0) << " | " << us(s.median) << " [" << us(s.ci_lo)
               << "–" << us(s.ci_hi) << "] | " << us(s.p95) << " | " << s.n << " |\n";
            jk["rejections"][klass + "/" + call] = {{"errno", sd ? sd->err : 0}, {"median_ns", s.median}, {"p95_ns", s.p95},
                                                    {"ci_lo_ns", s.ci_lo}, {"ci_hi_ns", s.ci_hi}, {"n", s.n}};
        }
        md << "\n";
        js["kernels"].push_back(jk);
    }

    if (two) {
        // Side by side: the headline numbers of both kernels (details in the sections above).
        md << "## Comparison\n\n| size |";
        for (const auto& jk : js["kernels"])
            for (const char* rp : kRatioPaths) md << " " << jk["kernel"].get<std::string>() << " " << rp << "/buffer |";
        md << "\n|---|";
        for (size_t i = 0; i < js["kernels"].size() * std::size(kRatioPaths); ++i) md << "---|";
        md << "\n";
        std::map<double, std::string> labels;
        for (const auto& k : in.kernels)
            for (auto& [label, bytes] : kernel_sizes(k)) labels[bytes] = label;
        std::set<std::string> seen;
        for (const auto& [bytes, label] : labels) {
            if (!seen.insert(label).second) continue;
            md << "| " << label << " |";
            for (const auto& jk : js["kernels"])
                for (const char* rp : kRatioPaths) {
                    std::string key = std::string(rp) + "/buffer";
                    if (jk.contains("ratios") && jk["ratios"].contains(label) && jk["ratios"][label].contains(key)) {
                        const auto& r = jk["ratios"][label][key];
                        md << " " << fmt("%.3f", r["ratio"].get<double>()) << " [" << fmt("%.2f", r["ci_lo"].get<double>()) << "–"
                           << fmt("%.2f", r["ci_hi"].get<double>()) << "] |";
                    } else {
                        md << " — |";
                    }
                }
            md << "\n";
        }
        md << "\n| path |";
        for (const auto& jk : js["kernels"]) md << " " << jk["kernel"].get<std::string>() << " per-byte ns (× memcpy) | fixed µs |";
        md << "\n|---|";
        for (size_t i = 0; i < js["kernels"].size(); ++i) md << "---|---|";
        md << "\n";
        for (const auto& p : load_paths()) {
            md << "| " << p.id << " |";
            for (const auto& jk : js["kernels"]) {
                if (!jk.contains("cost_model") || !jk["cost_model"].contains(p.id)) {
                    md << " — | — |";
                    continue;
                }
                const auto& c = jk["cost_model"][p.id];
                md << " " << fmt("%.3f", c["per_byte_ns"].get<double>()) << " (" << fmt("%.2f", c["x_memcpy"].get<double>())
                   << "×) | " << us(c["fixed_ns"].get<double>()) << " |";
            }
            md << "\n";
        }
        md << "\n";
    }
    md << "## Plots\n\n![latency](latency.svg)\n\n![ratio](ratio.svg)\n\n![unload](unload.svg)\n";
    auto spec = [](std::string title, std::string x, std::string y) {
        PlotSpec p;
        p.title = std::move(title);
        p.x_label = std::move(x);
        p.y_label = std::move(y);
        return p;
    };
    PlotSpec lat = spec("Load latency vs module size (" + ACC + ", log-log)", "module size (bytes)", "latency (µs)");
    PlotSpec rat = spec("Ratio to init_module from a buffer (" + ACC + ")", "module size (bytes)", "latency / buffer-path latency");
    rat.log_y = false;
    rat.y_reference = {1.0};
    PlotSpec unl = spec("delete_module latency vs module size (" + ACC + ")", "module size (bytes)", "latency (µs)");
    auto write = [&](const std::string& name, const std::string& text) -> Status {
        std::ofstream o(dir / name, std::ios::binary);
        o << text;
        if (!o) return make_error("cannot write " + (dir / name).string());
        return ok_status();
    };
    if (auto s = write("latency.svg", render_svg(lat, lat_series)); !s) return s;
    if (auto s = write("ratio.svg", render_svg(rat, ratio_series)); !s) return s;
    if (auto s = write("unload.svg", render_svg(unl, unload_series)); !s) return s;
    if (auto s = write("report.md", md.str()); !s) return s;
    return write("summary.json", js.dump(2) + "\n");
}

}  // namespace mh::bench
