// Shards of a case list (see shard.h).
#include "harness/session/shard.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace mh::session {
namespace {

std::optional<int> to_int(std::string_view s) {
    int v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

constexpr int kMaxShards = 1000;

}  // namespace

Expected<Shard> parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    const auto bad = [&] { return usage_error("--shard '" + std::string(text) + "': give I/N with 1 <= I <= N <= 1000, e.g. 2/3"); };
    if (slash == std::string_view::npos) return bad();
    auto i = to_int(text.substr(0, slash)), n = to_int(text.substr(slash + 1));
    if (!i || !n || *n < 1 || *n > kMaxShards || *i < 1 || *i > *n) return bad();
    return Shard{*i, *n};
}

Expected<std::optional<Shard>> shard_from_environment(const char* (*get)(const char*)) {
    const char* total = get("GTEST_TOTAL_SHARDS");
    if (!total) return std::optional<Shard>{};
    const char* index = get("GTEST_SHARD_INDEX");
    auto n = to_int(total), i = index ? to_int(index) : std::optional<int>(0);
    if (!n || !i || *n < 1 || *n > kMaxShards || *i < 0 || *i >= *n)
        return usage_error(std::string("GTEST_TOTAL_SHARDS=") + total + " GTEST_SHARD_INDEX=" + (index ? index : "(unset)") +
                           ": want 0 <= index < total <= 1000");
    return std::optional<Shard>(Shard{*i + 1, *n});
}

Status check_shard_set(const std::vector<Shard>& shards) {
    if (shards.empty()) return usage_error("no shard runs to merge");
    const int total = shards.front().total;
    for (const auto& s : shards)
        if (s.total != total)
            return usage_error("the runs are shards of different splits (" + std::to_string(total) + " and " + std::to_string(s.total) +
                               ")");
    for (int k = 1; k <= total; ++k) {
        const auto have = std::count_if(shards.begin(), shards.end(), [k](const Shard& s) { return s.index == k; });
        if (have != 1) return usage_error("shard " + Shard{k, total}.text() + (have == 0 ? " is missing" : " is given twice"));
    }
    return ok_status();
}

std::vector<bool> shard_members(const std::vector<double>& costs, const Shard& shard) {
    const double total = std::accumulate(costs.begin(), costs.end(), 0.0);
    std::vector<bool> in(costs.size(), false);
    double before = 0;
    for (size_t i = 0; i < costs.size(); ++i) {
        const double mid = before + costs[i] / 2;
        before += costs[i];
        // Shard k (0-based) holds [k*total/N, (k+1)*total/N); the last one also holds the end.
        int k = total > 0 ? static_cast<int>(std::floor(mid * shard.total / total)) : 0;
        if (k >= shard.total) k = shard.total - 1;
        in[i] = k == shard.index - 1;
    }
    return in;
}

}  // namespace mh::session
