#include "harness/campaign/affected.h"

#include <nlohmann/json.hpp>

#include "harness/campaign/seed_inputs.h"
#include "harness/common/files.h"

namespace mh::campaign {

namespace fs = std::filesystem;

namespace {

// The outcome on one kernel; errors preparing it are outcomes too (the other kernels go on).
KernelOutcome replay_on(const kernels::Kernel& k, const AffectedOptions& o, const fs::path& work) {
    KernelOutcome out;
    out.kernel = k.name;
    out.release = k.release;
    auto fail = [&](const std::string& outcome, const std::string& why) {
        out.outcome = outcome;
        out.detail = why;
        return out;
    };
    auto seeds = build_seed_inputs(k, {o.seed}, work / "seeds", o.replay.interrupted);
    if (!seeds) return fail("error", "seed '" + o.seed + "': " + seeds.error().message);
    mutate::Bytes seed;
    for (auto& s : seed_images(*seeds))
        if (s.name == o.seed) seed = std::move(s.image);
    if (seed.empty()) return fail("error", "no input made from seed '" + o.seed + "'");
    std::vector<size_t> all(o.differences.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    auto image = port_differences(seed, o.differences, all);
    if (!image) return fail("not-portable", image.error().message);
    mutate::FuzzInput in;
    in.call = o.call;
    in.image = std::move(*image);
    ReplayOptions ro = o.replay;
    ro.kernel = k;
    ro.work_dir = work / "replay";
    ro.snapshot = nullptr;  // one VM per kernel: a snapshot would cost more than the boot it saves
    auto env = environment_files(k, work);
    if (!env) return fail("error", "environment modules: " + env.error().message);
    ro.environment = std::move(*env);
    auto r = replay_inputs(ro, {mutate::encode(in)});
    if (!r) return fail("error", r.error().message);
    out.seconds = r->seconds;
    out.title = r->title;
    out.outcome = !r->crashed ? "no-crash" : r->title == o.title ? "crash" : "other-crash";
    return out;
}

}  // namespace

Expected<std::vector<KernelOutcome>> replay_on_kernels(const std::vector<kernels::Kernel>& kernels, const AffectedOptions& o) {
    std::vector<KernelOutcome> outcomes;
    for (const auto& k : kernels) {
        if (o.replay.interrupted && o.replay.interrupted->load()) return interrupted_error("interrupted");
        outcomes.push_back(replay_on(k, o, o.replay.work_dir / ("affected-" + k.release)));
        if (o.on_kernel) o.on_kernel(outcomes.back());
    }
    return outcomes;
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelOutcome, kernel, release, outcome, title, detail, seconds)

std::string affected_json(const AffectedOptions& o, const std::vector<KernelOutcome>& outcomes) {
    nlohmann::json j;
    j["schema"] = "modharness.affected/1";
    j["seed"] = o.seed;
    j["call"] = mutate::describe_call(o.call);
    j["title"] = o.title;
    j["differences"] = nlohmann::json::array();
    for (const auto& d : o.differences) j["differences"].push_back(d.text());
    j["kernels"] = outcomes;
    j["at"] = utc_now_iso();
    return j.dump(2) + "\n";
}

Expected<std::vector<KernelOutcome>> parse_affected_json(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return make_error("affected.json is not a JSON object");
    if (j.value("schema", "") != "modharness.affected/1" || !j.contains("kernels") || !j["kernels"].is_array())
        return make_error("affected.json: not schema modharness.affected/1 with a kernels list");
    try {
        return j["kernels"].get<std::vector<KernelOutcome>>();
    } catch (const nlohmann::json::exception& e) {
        return make_error(std::string("affected.json: ") + e.what());
    }
}

}  // namespace mh::campaign
