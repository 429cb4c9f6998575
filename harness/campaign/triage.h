// Triage of one crash group directory (<out>/crashes/<slug>/): replay its input in a fresh VM,
// minimise it while the title holds, and write minimized.bin, repro.c and triage.json beside it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/campaign/repro.h"

namespace mh::campaign {

struct TriageOptions {
    bool minimise = true;
    int runs = 1;  // replays of the original input (each in its own fresh VM)
    int max_minimise_vms = 8;
    std::vector<SeedImage> seeds;  // for the structural part of minimisation (none: call and tail only)
    int max_structural_vms = 24;
};

struct TriageResult {
    std::string expected_title;  // title.txt ("" for a bare input file)
    int runs = 0, reproduced_runs = 0;
    std::string observed_title;  // of the last crashing replay
    std::string observed_excerpt;  // its kernel report (for groups that kept none)
    bool minimised = false;
    std::vector<std::string> minimise_steps;
    size_t input_bytes = 0, minimised_bytes = 0;
    std::string seed;  // the nearest seed module; "" when the structural part did not run
    size_t differences_before = 0;
    std::vector<std::string> differences;  // what the crash needs, from that seed, in the ELF model's words
    bool structural_exhausted = false;
    std::vector<ImageDifference> kept;  // `differences` as data
    mutate::Bytes minimised_input;  // encoded (empty when not minimised)
    int vms = 0;
    int vms_restored = 0;  // of those, restored from the snapshot of the ready guest (the rest booted)
    double seconds = 0;  // replay and minimisation, wall time
    bool reproduces() const { return reproduced_runs > 0; }
};

// `target` is a crash group directory or a single input file (then any crash counts).
Expected<TriageResult> triage_crash(const ReplayOptions& replay, const std::filesystem::path& target, const TriageOptions& options);

std::string triage_json(const TriageResult& r);

// A triage.json read back (`triage --reuse`): what it records; `kept` and `minimised_input` stay
// empty (they are not in the file), observed_excerpt too.
Expected<TriageResult> parse_triage_json(std::string_view text);

}  // namespace mh::campaign
