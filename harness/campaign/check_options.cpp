// Checking a campaign's options (see check_options.h).
#include "harness/campaign/check_options.h"

#include "harness/mutate/mutator.h"

namespace mh::campaign {

Status check_options(const CampaignOptions& opt) {
    if (opt.out.empty()) return make_error("--out is required");
    if (opt.jobs < 1 || opt.jobs > 64) return make_error("--jobs must be 1..64");
    if (opt.duration_s <= 0) return make_error("--duration must be positive");
    if (!opt.weights.empty())
        if (auto w = mutate::parse_weights(opt.weights); !w) return w.error();
    return ok_status();
}

}  // namespace mh::campaign
