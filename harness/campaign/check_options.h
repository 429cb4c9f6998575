// Checking a campaign's options before anything is built or booted.
#pragma once

#include "harness/campaign/campaign.h"
#include "harness/common/expected.h"

namespace mh::campaign {

// The first option out of range, as the error a user sees: --out missing, --jobs outside 1..64,
// a duration that is not positive, a --weights mix the mutator does not accept, a --seeds name
// that is no seed module (all usage errors). The engine name
// is checked where its command line is made (engine_run.h), the kernel where it is resolved.
Status check_options(const CampaignOptions& opt);

}  // namespace mh::campaign
