// summary.json: the report's numbers for machines; a key is present only when its table cell has data.
#include <nlohmann/json.hpp>

#include "bench/report/report_outputs.h"

namespace mh::bench {
namespace {

nlohmann::json run_facts(const KernelRuns& k) {
    nlohmann::json facts;  // stays null (key absent) without runs
    for (size_t ri = 0; ri < k.runs.size(); ++ri) {
        const auto& r = k.runs[ri];
        facts.push_back({{"run", r.run_index > 0 ? r.run_index : static_cast<int>(ri + 1)},
                         {"wall_seconds", r.wall_seconds},
                         {"boot_retries", r.boot_retries},
                         {"skew_start", r.skew_start},
                         {"skew_end", r.skew_end},
                         {"notes", r.notes}});
    }
    return facts;
}

void size_tables(nlohmann::json& jk, const KernelFigures& f) {
    for (const auto& sz : f.sizes) {
        for (size_t pi = 0; pi < sz.latency.size(); ++pi) {
            if (!sz.latency[pi].summary) continue;
            const auto& s = *sz.latency[pi].summary;
            jk["latency"][sz.label][load_paths()[pi].id] = {
                {"n", s.n}, {"median_ns", s.median}, {"p95_ns", s.p95}, {"ci_lo_ns", s.ci_lo}, {"ci_hi_ns", s.ci_hi}, {"bytes", sz.bytes}};
        }
        for (size_t ri = 0; ri < sz.ratios.size(); ++ri) {
            const auto& c = sz.ratios[ri];
            if (!c.present) continue;
            jk["ratios"][sz.label][std::string(kRatioPaths[ri]) + "/buffer"] = {{"ratio", c.pooled.ratio},
                                                                                {"ci_lo", c.pooled.ci_lo},
                                                                                {"ci_hi", c.pooled.ci_hi},
                                                                                {"per_run", c.per_run},
                                                                                {"spread", c.spread}};
        }
        if (sz.unload) {
            const auto& s = *sz.unload;
            jk["unload"][sz.label] = {{"median_ns", s.median}, {"p95_ns", s.p95}, {"ci_lo_ns", s.ci_lo}, {"ci_hi_ns", s.ci_hi}, {"n", s.n}};
        }
    }
}

void cost_models(nlohmann::json& jk, const KernelFigures& f) {
    const double memcpy_b = f.memcpy_b, pc_b = f.pagecache_b;
    jk["reference_ns_per_byte"] = {{"memcpy", memcpy_b}, {"pagecache_read", pc_b}, {"cold_read", f.cold_b}};
    for (size_t pi = 0; pi < f.cost.size(); ++pi) {
        const auto& m = f.cost[pi];
        if (!m.ok) continue;
        jk["cost_model"][load_paths()[pi].id] = {{"fixed_ns", m.fixed_ns},
                                                 {"per_byte_ns", m.per_byte_ns},
                                                 {"x_memcpy", memcpy_b > 0 ? m.per_byte_ns / memcpy_b : 0},
                                                 {"x_pagecache_read", pc_b > 0 ? m.per_byte_ns / pc_b : 0},
                                                 {"r2", m.r2}};
    }
}

void xz_and_rejections(nlohmann::json& jk, const KernelFigures& f) {
    for (const auto& x : f.xz) {
        if (x.ratio) jk["xz"][x.label]["ratio"] = x.ratio->ratio;
        if (x.finit)
            jk["xz"][x.label]["finit_compressed_median_ns"] = x.finit->median;
        else if (x.has_finit)
            jk["xz"][x.label]["finit_compressed_error"] = x.finit_error;
        if (x.user) jk["xz"][x.label]["user_xz_median_ns"] = x.user->median;
    }
    for (const auto& r : f.rejects) {
        if (!r.summary) continue;
        const auto& s = *r.summary;
        jk["rejections"][r.klass + "/" + r.call] = {{"errno", r.err},      {"median_ns", s.median}, {"p95_ns", s.p95},
                                                    {"ci_lo_ns", s.ci_lo}, {"ci_hi_ns", s.ci_hi},   {"n", s.n}};
    }
}

}  // namespace

std::string render_summary_json(const ReportInput& in, const std::vector<KernelFigures>& kernels) {
    nlohmann::json js;
    js["schema"] = "modharness.bench/1";
    js["accel"] = in.accel;
    js["date"] = in.date;
    js["command"] = in.command;
    js["host"] = in.host_notes;
    for (const auto& f : kernels) {
        const KernelRuns& k = *f.kernel;
        nlohmann::json jk;
        jk["kernel"] = k.kernel;
        jk["release"] = k.release;
        jk["runs"] = k.runs.size();
        if (auto facts = run_facts(k); !facts.is_null()) jk["run_facts"] = std::move(facts);
        size_tables(jk, f);
        cost_models(jk, f);
        xz_and_rejections(jk, f);
        js["kernels"].push_back(jk);
    }
    return js.dump(2) + "\n";
}

}  // namespace mh::bench
