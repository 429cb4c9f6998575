// An engine's command line inside a fuzz VM: binary, argv, environment, directories, extra files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/campaign/campaign.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/common/expected.h"

namespace mh::campaign {

// What goes into the VM for one engine run of `seconds`.
struct EngineRun {
    std::filesystem::path binary;
    std::vector<std::string> argv, env, dirs;
    std::string watch = "/tmp/corpus";
    std::string import;  // where relayed peer inputs go (fuzz.conf import=; "" when the run takes none)
    std::vector<std::filesystem::path> extra_programs;
    std::vector<GuestFile> files;  // more initramfs files (AFL++'s custom mutator)
};

// The run of o.engine for `seconds` with `seed`, inputs up to max_len bytes, in job `job`'s VM.
// Error for an unknown engine or one whose binaries are not built.
Expected<EngineRun> engine_run(const CampaignOptions& o, double seconds, uint64_t seed, size_t max_len, int job = 0);

// Whether the VMs of campaign `o` take peer inputs while they run (several jobs, or a sync dir).
bool relays_peers(const CampaignOptions& o);
// The name AFL++ knows job `job` by: main (job 0, the -M node), s<job> (-S secondaries).
std::string afl_instance_name(int job);

}  // namespace mh::campaign
