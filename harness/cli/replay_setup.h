// What `repro` and `triage` need before replaying crashes on a kernel: the guest engine and
// executor, the accelerator, the campaign's environment modules and (for structural
// minimisation) the kernel's seed modules as the campaign built them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/campaign/affected.h"
#include "harness/cli/args.h"
#include "harness/campaign/repro.h"
#include "harness/campaign/triage.h"
#include "harness/common/expected.h"

namespace mh::cli {

// The kernel a campaign ran on (its campaign.json), else "".
std::string campaign_kernel(const std::filesystem::path& campaign_out);

// Sets up `ro` for `kernel_name` from the options of replay_vm_options() in `p` (--accel; --reset
// snapshot: replay VMs are restored from one snapshot of the ready guest, kept in the
// --snapshot-cache; boot: each boots); with `seeds`, fills `to.seeds`. Missing environment
// modules or seeds are warnings (printed with `command`), not errors.
Status replay_setup(const char* command, const std::string& kernel_name, const ParsedArgs& p, bool seeds, campaign::ReplayOptions& ro,
                    campaign::TriageOptions& to);

// --accel, --reset and --snapshot-cache of the replaying commands.
std::vector<OptionSpec> replay_vm_options();

// The minimised crash `r` on every kernel of `set` (expanded; each fetched when missing): prints a
// table and writes `file` (affected.json). A crash with no seed differences is a usage error.
Expected<std::vector<campaign::KernelOutcome>> replay_affected(const campaign::TriageResult& r, const campaign::ReplayOptions& ro,
                                                               const std::vector<std::string>& set, const std::filesystem::path& file);

}  // namespace mh::cli
