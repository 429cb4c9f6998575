// Checking a campaign's options (see check_options.h).
#include "harness/campaign/check_options.h"

#include "harness/kernels/seed_modules.h"
#include "harness/mutate/mutator.h"

namespace mh::campaign {

Status check_options(const CampaignOptions& opt) {
    if (opt.out.empty()) return usage_error("--out is required");
    if (opt.jobs < 1 || opt.jobs > 64) return usage_error("--jobs must be 1..64");
    if (opt.duration_s <= 0) return usage_error("--duration must be positive");
    if (!opt.weights.empty())
        if (auto w = mutate::parse_weights(opt.weights); !w) return usage_error(w.error().message);
    // Before the kernel is looked up and seeds are built: a typo costs no build.
    for (const auto& s : opt.seeds)
        if (auto spec = kernels::parse_seed_name(s); !spec) return usage_error("--seeds: " + spec.error().message);
    return ok_status();
}

}  // namespace mh::campaign
