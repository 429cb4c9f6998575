// report.md: the tables per kernel (run facts, latency, ratios, cost models, unload, xz, rejections)
// and, for two kernels, the headline numbers side by side.
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "bench/report/report_outputs.h"

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

// "median [ci_lo–ci_hi]" in µs.
std::string us_ci(const Summary& s) { return us(s.median) + " [" + us(s.ci_lo) + "–" + us(s.ci_hi) + "]"; }

void header(std::ostringstream& md, const ReportInput& in) {
    const std::string acc = accel_title(in.accel);
    md << "# Module load latency: finit_module (fd) vs init_module (buffer) — " << acc << "\n\n";
    md << "**Accelerator: " << acc << ".** ";
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
}

void run_facts(std::ostringstream& md, const KernelRuns& k) {
    md << "## " << k.kernel << " (" << k.release << "), " << k.runs.size() << " run(s)\n\n";
    md << "| run | VM wall s | boot retries | clock check start (host/guest) | end | notes |\n|---|---|---|---|---|---|\n";
    for (size_t ri = 0; ri < k.runs.size(); ++ri) {
        const auto& r = k.runs[ri];
        std::string notes;
        for (const auto& n : r.notes) notes += (notes.empty() ? "" : "; ") + n;
        md << "| " << ri + 1 << " | " << fmt("%.1f", r.wall_seconds) << " | " << r.boot_retries << " | " << fmt("%.4f", r.skew_start)
           << " | " << fmt("%.4f", r.skew_end) << " | " << notes << " |\n";
    }
    md << "\n";
}

void latency_table(std::ostringstream& md, const KernelFigures& f) {
    md << "### Load latency by size (µs: median [95 % CI], p95)\n\n| size | bytes |";
    for (const auto& p : load_paths()) md << " " << p.id << " |";
    md << "\n|---|---|";
    for (size_t i = 0; i < load_paths().size(); ++i) md << "---|";
    md << "\n";
    for (const auto& sz : f.sizes) {
        md << "| " << sz.label << " | " << fmt("%.0f", sz.bytes) << " |";
        for (const auto& c : sz.latency) {
            if (!c.summary) {
                md << " " << (!c.error.empty() ? c.error : "—") << " |";
                continue;
            }
            const auto& s = *c.summary;
            md << " " << us_ci(s) << ", p95 " << us(s.p95) << " (n=" << s.n << ") |";
        }
        md << "\n";
    }
    md << "\n";
}

void ratio_table(std::ostringstream& md, const KernelFigures& f) {
    md << "### Ratios to the buffer path (median ratio [95 % CI]; per-run values; spread = max − min over runs)\n\n";
    md << "| size |";
    for (const char* rp : kRatioPaths) md << " " << rp << "/buffer | per run | spread |";
    md << "\n|---|";
    for (size_t i = 0; i < kRatioPaths.size(); ++i) md << "---|---|---|";
    md << "\n";
    for (const auto& sz : f.sizes) {
        md << "| " << sz.label << " |";
        for (const auto& c : sz.ratios) {
            if (!c.present) {
                md << " — | | |";
                continue;
            }
            std::string pr;
            for (double x : c.per_run) pr += (pr.empty() ? "" : ", ") + fmt("%.3f", x);
            const auto& r = c.pooled;
            md << " " << fmt("%.3f", r.ratio) << " [" << fmt("%.3f", r.ci_lo) << "–" << fmt("%.3f", r.ci_hi) << "] | " << pr << " | "
               << (c.per_run.size() > 1 ? fmt("%.3f", c.spread) : "—") << " |";
        }
        md << "\n";
    }
    md << "\n";
}

void cost_table(std::ostringstream& md, const KernelFigures& f) {
    const double memcpy_b = f.memcpy_b, pc_b = f.pagecache_b, cold_b = f.cold_b;
    md << "### Cost model per path (weighted least squares over the size medians: t = fixed + per_byte × size)\n\n";
    md << "Guest references measured in the same run: memcpy " << fmt("%.3f", memcpy_b) << " ns/byte ("
       << fmt("%.0f", memcpy_b > 0 ? 1e3 / memcpy_b : 0) << " MB/s), page-cache read() " << fmt("%.3f", pc_b) << " ns/byte ("
       << fmt("%.0f", pc_b > 0 ? 1e3 / pc_b : 0) << " MB/s), cold read() from brd " << fmt("%.3f", cold_b) << " ns/byte ("
       << fmt("%.0f", cold_b > 0 ? 1e3 / cold_b : 0) << " MB/s).\n\n";
    md << "| path | fixed µs | per-byte ns | × memcpy | × page-cache read | R² |\n|---|---|---|---|---|---|\n";
    for (size_t pi = 0; pi < load_paths().size(); ++pi) {
        const auto& m = f.cost[pi];
        if (!m.ok) continue;
        md << "| " << load_paths()[pi].id << " | " << us(m.fixed_ns) << " | " << fmt("%.3f", m.per_byte_ns) << " | "
           << (memcpy_b > 0 ? fmt("%.2f", m.per_byte_ns / memcpy_b) : "—") << " | " << (pc_b > 0 ? fmt("%.2f", m.per_byte_ns / pc_b) : "—")
           << " | " << fmt("%.4f", m.r2) << " |\n";
    }
    md << "\n";
}

void unload_table(std::ostringstream& md, const KernelFigures& f) {
    md << "### Unload (delete_module, timed separately right after each successful load; all load paths pooled)\n\n"
          "| size | median µs [95 % CI] | p95 µs | n |\n|---|---|---|---|\n";
    for (const auto& sz : f.sizes) {
        if (!sz.unload) continue;
        const auto& s = *sz.unload;
        md << "| " << sz.label << " | " << us_ci(s) << " | " << us(s.p95) << " | " << s.n << " |\n";
    }
    md << "\n";
}

void xz_table(std::ostringstream& md, const KernelFigures& f) {
    md << "### xz-compressed module: in-kernel decompression vs user-space liblzma + init_module\n\n"
          "| size | finit(MODULE_INIT_COMPRESSED_FILE) µs | user xz + init_module µs | finit_compressed / user_xz |\n"
          "|---|---|---|---|\n";
    auto cell = [](const std::optional<Summary>& s, bool has_series, const std::string& error) -> std::string {
        if (!s) return has_series && !error.empty() ? error : "—";
        return us_ci(*s);
    };
    for (const auto& x : f.xz) {
        std::string ratio = "—";
        if (x.ratio) ratio = fmt("%.3f", x.ratio->ratio) + " [" + fmt("%.3f", x.ratio->ci_lo) + "–" + fmt("%.3f", x.ratio->ci_hi) + "]";
        md << "| " << x.label << " | " << cell(x.finit, x.has_finit, x.finit_error) << " | " << cell(x.user, x.has_user, x.user_error)
           << " | " << ratio << " |\n";
    }
    if (f.xz.empty()) md << "| (no xz inputs in this run) | | | |\n";
    md << "\n";
}

void reject_table(std::ostringstream& md, const KernelFigures& f) {
    md << "### Rejection latency (the cost of saying no; the input is already in memory / the fd already open)\n\n"
          "| class | call | errno | median µs [95 % CI] | p95 µs | n |\n|---|---|---|---|---|---|\n";
    for (const auto& r : f.rejects) {
        if (!r.summary) {
            md << "| " << r.klass << " | " << r.call << " | — | " << r.error << " | | |\n";
            continue;
        }
        const auto& s = *r.summary;
        md << "| " << r.klass << " | " << r.call << " | " << r.err << " | " << us_ci(s) << " | " << us(s.p95) << " | " << s.n << " |\n";
    }
    md << "\n";
}

const RatioCell* ratio_at(const KernelFigures& f, const std::string& label, size_t ri) {
    for (const auto& sz : f.sizes)
        if (sz.label == label) return sz.ratios[ri].present ? &sz.ratios[ri] : nullptr;
    return nullptr;
}

// Side by side: the headline numbers of both kernels (details in the sections above).
void comparison(std::ostringstream& md, const std::vector<KernelFigures>& kernels) {
    md << "## Comparison\n\n| size |";
    for (const auto& f : kernels)
        for (const char* rp : kRatioPaths) md << " " << f.kernel->kernel << " " << rp << "/buffer |";
    md << "\n|---|";
    for (size_t i = 0; i < kernels.size() * kRatioPaths.size(); ++i) md << "---|";
    md << "\n";
    std::map<double, std::string> labels;
    for (const auto& f : kernels)
        for (const auto& sz : f.sizes) labels[sz.bytes] = sz.label;
    std::set<std::string> seen;
    for (const auto& [bytes, label] : labels) {
        if (!seen.insert(label).second) continue;
        md << "| " << label << " |";
        for (const auto& f : kernels)
            for (size_t ri = 0; ri < kRatioPaths.size(); ++ri) {
                if (const RatioCell* c = ratio_at(f, label, ri))
                    md << " " << fmt("%.3f", c->pooled.ratio) << " [" << fmt("%.2f", c->pooled.ci_lo) << "–" << fmt("%.2f", c->pooled.ci_hi)
                       << "] |";
                else
                    md << " — |";
            }
        md << "\n";
    }
    md << "\n| path |";
    for (const auto& f : kernels) md << " " << f.kernel->kernel << " per-byte ns (× memcpy) | fixed µs |";
    md << "\n|---|";
    for (size_t i = 0; i < kernels.size(); ++i) md << "---|---|";
    md << "\n";
    for (size_t pi = 0; pi < load_paths().size(); ++pi) {
        md << "| " << load_paths()[pi].id << " |";
        for (const auto& f : kernels) {
            const auto& m = f.cost[pi];
            if (!m.ok) {
                md << " — | — |";
                continue;
            }
            md << " " << fmt("%.3f", m.per_byte_ns) << " (" << fmt("%.2f", f.memcpy_b > 0 ? m.per_byte_ns / f.memcpy_b : 0) << "×) | "
               << us(m.fixed_ns) << " |";
        }
        md << "\n";
    }
    md << "\n";
}

}  // namespace

std::string render_markdown(const ReportInput& in, const std::vector<KernelFigures>& kernels) {
    std::ostringstream md;
    header(md, in);
    for (const auto& f : kernels) {
        run_facts(md, *f.kernel);
        latency_table(md, f);
        ratio_table(md, f);
        cost_table(md, f);
        unload_table(md, f);
        xz_table(md, f);
        reject_table(md, f);
    }
    if (kernels.size() > 1) comparison(md, kernels);
    md << "## Plots\n\n![latency](latency.svg)\n\n![ratio](ratio.svg)\n\n![unload](unload.svg)\n";
    return md.str();
}

}  // namespace mh::bench
