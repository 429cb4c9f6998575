// Binary search for the first kernel whose outcome differs from the oldest one's, with confirmation reruns.
#include "conformance/bisect_search.h"

#include <algorithm>
#include <map>

namespace mh::conformance {
namespace {

std::string field(const nlohmann::json& cell, const char* name) {
    if (!cell.is_object() || !cell.contains(name)) return "";
    const auto& v = cell[name];
    return v.is_string() ? v.get<std::string>() : v.dump();
}

class Search {
public:
    Search(std::size_t n, const BisectProbe& probe, int retries) : n_(n), probe_(probe), retries_(std::max(0, retries)) {}

    Expected<BisectSearch> run() {
        std::size_t bound = 1;
        for (std::size_t span = 1; span < n_; span *= 2) ++bound;
        out_.bound = bound;
        MH_TRY_ASSIGN(ref, outcome(0, ""));
        // Invariant: kernels before lo have the reference outcome; kernel hi (if < n) does not.
        std::size_t lo = 1, hi = n_;
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            MH_TRY_ASSIGN(key, outcome(mid, ref));
            if (key != ref)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo >= n_) {
            out_.status = "unchanged";
            out_.first_changed = out_.last_same = n_ - 1;
        } else {
            out_.status = "changed";
            out_.first_changed = lo;
            out_.last_same = lo - 1;
        }
        return std::move(out_);
    }

private:
    // The outcome of kernel i; a first attempt that differs from `ref` is confirmed by reruns.
    Expected<std::string> outcome(std::size_t i, const std::string& ref) {
        ProbedKernel p;
        p.index = i;
        std::map<std::string, int> votes;
        std::map<std::string, ProbeRun> example;
        const int max_attempts = i == 0 ? 1 : 1 + retries_;
        for (int a = 0; a < max_attempts; ++a) {
            ++out_.runs;
            MH_TRY_ASSIGN(run, probe_(i, a));
            const auto key = outcome_key(run.cell);
            p.attempts.push_back(key);
            example.emplace(key, std::move(run));
            if (++votes[key] >= 2) break;
            if (a == 0 && key == ref) break;  // the reference outcome needs no confirmation
        }
        // Most votes; ties go to the earliest attempt.
        std::string best = p.attempts.front();
        for (const auto& k : p.attempts)
            if (votes[k] > votes[best]) best = k;
        p.key = best;
        p.run = example[best];
        p.flaky = votes.size() > 1;
        out_.probed.push_back(std::move(p));
        return best;
    }

    std::size_t n_;
    const BisectProbe& probe_;
    int retries_;
    BisectSearch out_;
};

}  // namespace

std::string outcome_key(const nlohmann::json& cell) {
    if (!cell.is_object()) return "absent";
    return field(cell, "errno") + "|" + field(cell, "verdict") + "|" + field(cell, "log_class") + "|" + field(cell, "taint_added");
}

const ProbedKernel* BisectSearch::find(std::size_t index) const {
    for (const auto& p : probed)
        if (p.index == index) return &p;
    return nullptr;
}

Expected<BisectSearch> bisect_search(std::size_t n, const BisectProbe& probe, int retries) {
    if (n < 2) return usage_error("a bisect needs at least two kernels (the set has " + std::to_string(n) + ")");
    return Search(n, probe, retries).run();
}

}  // namespace mh::conformance
