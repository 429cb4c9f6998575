// The bench plan from option values: --quick first, then explicit options override it.
#include "bench/runner/bench_plan.h"

#include <sstream>

#include "harness/kernels/seed_modules.h"

namespace mh::bench {
namespace {

// --quick: the smallest run that still goes through every path (smoke tests).
void apply_quick(Plan& plan) {
    plan.sizes = {"8k", "64k"};
    plan.reps = plan.reps_large = 3;
    plan.reject_reps = 5;
    plan.calib_reps = 2;
    plan.xz_max = 8192;
    plan.calib_bytes = 8u << 20;
}

Status size_option(const char* name, const std::optional<std::string>& value, uint64_t& dst) {
    if (!value) return ok_status();
    auto b = *value == "0" ? Expected<uint64_t>(uint64_t{0}) : kernels::parse_size(*value);
    if (!b) return make_error(std::string("--") + name + ": " + b.error().message);
    dst = *b;
    return ok_status();
}

// std::stoi as before: "12x" is 12; no digits or out of range throws.
void count_option(const std::optional<std::string>& value, int& dst) {
    if (value) dst = std::stoi(*value);
}

}  // namespace

Expected<Plan> make_plan(const PlanOptions& o) {
    Plan plan;
    try {
        if (o.quick) apply_quick(plan);
        if (o.sizes) {
            plan.sizes.clear();
            std::stringstream ss(*o.sizes);
            std::string item;
            while (std::getline(ss, item, ','))
                if (!item.empty()) plan.sizes.push_back(item);
        }
        if (auto s = size_option("large-from", o.large_from, plan.large_from); !s) return s.error();
        if (auto s = size_option("xz-max", o.xz_max, plan.xz_max); !s) return s.error();
        if (auto s = size_option("calib-bytes", o.calib_bytes, plan.calib_bytes); !s) return s.error();
        count_option(o.repeat, plan.repeat);
        count_option(o.reps, plan.reps);
        count_option(o.reps_large, plan.reps_large);
        count_option(o.reject_reps, plan.reject_reps);
        count_option(o.memory, plan.memory_mb);
    } catch (const std::exception&) {
        return make_error("numeric option expected");
    }
    plan.interleave = !o.no_interleave;
    for (const auto& s : plan.sizes)
        if (!kernels::parse_size(s)) return make_error("bad size '" + s + "'");
    if (plan.repeat < 1 || plan.reps < 1 || plan.reps_large < 1 || plan.reject_reps < 1) return make_error("counts must be >= 1");
    return plan;
}

}  // namespace mh::bench
