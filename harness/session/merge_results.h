// The results.jsonl files of the shards of one `modharness run --shard I/N` joined in case order
// (each shard is a contiguous slice of the case files: shard 1's lines first).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::session {

struct ResultShard {
    nlohmann::json marker;  // the shard's shard.json (modharness.shard/1)
    std::string results;  // its results.jsonl
    std::string name;  // for errors: the directory
};

// The joined results.jsonl. Errors: a marker that is not modharness.shard/1, a shard that did not
// finish (--resume it first), an incomplete or repeated set (check_shard_set), a line that is not JSON.
Expected<std::string> merge_result_shards(std::vector<ResultShard> shards);

}  // namespace mh::session
