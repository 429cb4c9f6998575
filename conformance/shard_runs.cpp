// Sharded conformance runs (see shard_runs.h).
#include "conformance/shard_runs.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "harness/session/shard.h"

namespace mh::conformance {

using nlohmann::json;

CaseCost expected_case_costs(const json& recorded_run, double boot_cost) {
    auto reboots = std::make_shared<std::set<std::pair<std::string, std::string>>>();
    for (const auto& c : recorded_run.value("cases", json::array()))
        if (c.value("verdict", "") == "KERNEL") reboots->insert({c.value("group", ""), c.value("id", "")});
    for (const auto& e : recorded_run.value("events", json::array())) reboots->insert({e.value("group", ""), e.value("after_id", "")});
    return [reboots, boot_cost](const std::string& group, const std::string& id) {
        return 1.0 + (reboots->count({group, id}) ? boot_cost : 0.0);
    };
}

namespace {

std::string kernel_release(const json& run) { return run.contains("kernel") ? run["kernel"].value("release", "") : ""; }

}  // namespace

Expected<json> merge_shard_runs(const std::vector<json>& shards) {
    std::vector<const json*> order(shards.size());
    std::vector<session::Shard> set;
    std::string release;
    for (size_t i = 0; i < shards.size(); ++i) {
        const auto& s = shards[i];
        const std::string name = "run " + std::to_string(i + 1);
        if (!s.is_object() || s.value("schema", "") != "modharness.conformance/1")
            return usage_error(name + " is not a conformance run (schema modharness.conformance/1)");
        if (!s.contains("shard") || !s["shard"].is_object()) return usage_error(name + " is not a shard (conform ran without --shard)");
        if (s.value("interrupted", false) || s.contains("stopped"))
            return usage_error(name + " (shard " + std::to_string(s["shard"].value("index", 0)) +
                               ") did not finish: --resume it before merging");
        // A shard the cut left empty ran no VM and names no kernel.
        if (!kernel_release(s).empty()) {
            if (release.empty()) release = kernel_release(s);
            if (kernel_release(s) != release)
                return usage_error("the runs are of different kernels (" + release + " and " + kernel_release(s) + ")");
        }
        set.push_back({s["shard"].value("index", 0), s["shard"].value("total", 0)});
        order[i] = &s;
    }
    MH_TRY(session::check_shard_set(set));
    std::sort(order.begin(), order.end(), [](const json* a, const json* b) { return (*a)["shard"]["index"] < (*b)["shard"]["index"]; });
    const int total = set.front().total;

    // The run's own facts (kernel, man page, classes) from the first shard that ran a case.
    const auto ran = std::find_if(order.begin(), order.end(), [](const json* s) { return s->contains("kernel"); });
    json merged = ran != order.end() ? **ran : *order.front();
    merged.erase("shard");
    merged["cases"] = json::array();
    merged["events"] = json::array();
    merged["groups"] = json::array();
    merged["merged_shards"] = total;
    std::map<std::string, int> summary, followed;
    double wall = 0;
    for (const json* s : order) {
        for (const auto& c : s->value("cases", json::array())) {
            ++summary[c.value("verdict", "")];
            ++followed[c.value("followed", "-")];
            merged["cases"].push_back(c);
        }
        for (const auto& e : s->value("events", json::array())) merged["events"].push_back(e);
        wall = std::max(wall, s->value("wall_seconds", 0.0));
        if (s->value("started_utc", "") < merged.value("started_utc", "")) merged["started_utc"] = (*s)["started_utc"];
        for (const auto& g : s->value("groups", json::array())) {
            auto& groups = merged["groups"];
            auto it = std::find_if(groups.begin(), groups.end(), [&](const json& m) { return m["name"] == g["name"]; });
            if (it == groups.end()) {
                groups.push_back(g);
                continue;
            }
            for (const char* count : {"cases", "vms", "boot_failures", "kernel_events", "late_kernel_events", "bad_frames", "results_lost",
                                      "vms_restored", "snapshots", "snapshots_cached"})
                (*it)[count] = it->value(count, 0) + g.value(count, 0);
            (*it)["wall_seconds"] = std::max(it->value("wall_seconds", 0.0), g.value("wall_seconds", 0.0));
            (*it)["first_result_seconds"] = std::min(it->value("first_result_seconds", 0.0), g.value("first_result_seconds", 0.0));
            (*it)["completed"] = it->value("completed", false) && g.value("completed", false);
        }
    }
    merged["summary"] = summary;
    merged["followed_summary"] = followed;
    merged["wall_seconds"] = wall;
    return merged;
}

}  // namespace mh::conformance
