// Joined results.jsonl of run shards (see merge_results.h).
#include "harness/session/merge_results.h"

#include <algorithm>

#include "harness/common/text.h"
#include "harness/session/shard.h"

namespace mh::session {

Expected<std::string> merge_result_shards(std::vector<ResultShard> shards) {
    std::vector<Shard> set;
    for (const auto& s : shards) {
        if (!s.marker.is_object() || s.marker.value("schema", "") != "modharness.shard/1")
            return usage_error(s.name + ": shard.json is not a modharness.shard/1 marker");
        if (!s.marker.value("finished", false)) return usage_error(s.name + ": the shard did not finish: --resume it before merging");
        set.push_back({s.marker.value("index", 0), s.marker.value("total", 0)});
    }
    MH_TRY(check_shard_set(set));
    std::sort(shards.begin(), shards.end(),
              [](const ResultShard& a, const ResultShard& b) { return a.marker["index"] < b.marker["index"]; });
    std::string joined;
    for (const auto& s : shards)
        for (auto [line, number] : lines(s.results)) {
            if (line.empty()) continue;
            if (!nlohmann::json::accept(line))
                return usage_error(s.name + "/results.jsonl:" + std::to_string(number) + ": not a JSON line");
            (joined += line) += '\n';
        }
    return joined;
}

}  // namespace mh::session
