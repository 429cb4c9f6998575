// One shard of a case list for CI matrices: `--shard I/N` (1-based, as jest and playwright
// write it) or GoogleTest's GTEST_SHARD_INDEX (0-based) / GTEST_TOTAL_SHARDS. Each shard is a
// contiguous run of the list in run order (cases that share a VM stay together), cut so that the
// shards' expected costs are as equal as the cases allow. The split depends only on the list and
// the costs, so N runners that each take their own shard together run every case exactly once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::session {

struct Shard {
    int index = 1;  // 1..total
    int total = 1;
    std::string text() const { return std::to_string(index) + "/" + std::to_string(total); }
};

// "I/N" with 1 <= I <= N <= 1000; anything else is a usage error.
Expected<Shard> parse_shard(std::string_view text);

// The shard GoogleTest's environment asks for (GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX, 0-based),
// nullopt when GTEST_TOTAL_SHARDS is unset; a malformed pair is a usage error. `get` reads a variable.
Expected<std::optional<Shard>> shard_from_environment(const char* (*get)(const char*));

// A set of shard runs to be joined is whole: every index 1..N of one N exactly once (runs are
// named "run 1".. in the errors; "shard 2/3 is missing", "shard 1/3 is given twice").
Status check_shard_set(const std::vector<Shard>& shards);

// Which items of a list with these expected costs (all > 0) belong to `shard`: item i belongs to
// the shard whose slice of the total cost holds the midpoint of i's own cost interval.
std::vector<bool> shard_members(const std::vector<double>& costs, const Shard& shard);

}  // namespace mh::session
