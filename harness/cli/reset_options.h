// --reset and --snapshot-cache, as every command that starts VMs reads them (run, conform, matrix,
// fuzz, repro, triage): snapshot (the default) or boot, and the snapshot cache's directory.
#pragma once

#include <filesystem>

#include "harness/cli/args.h"
#include "harness/common/expected.h"

namespace mh::cli {

struct ResetChoice {
    bool snapshot = true;  // false: --reset boot
    std::filesystem::path snapshot_cache;  // empty: --snapshot-cache off
};

// Usage errors name the option and the value.
Expected<ResetChoice> reset_choice(const ParsedArgs& p);

// The two option rows; `vms` says which VMs ("each VM", "each replay VM", "each fuzz VM").
std::vector<OptionSpec> reset_option_specs(const std::string& vms);

}  // namespace mh::cli
