// Replaying crash inputs in fresh VMs: does an input still crash the kernel, with which title;
// a bounded minimiser that keeps the title; and a standalone C reproducer.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/campaign/fuzz_snapshot.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/campaign/image_diff.h"
#include "harness/campaign/seed_inputs.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/vm/qemu_argv.h"

namespace mh::campaign {

struct ReplayOptions {
    kernels::Kernel kernel;
    std::filesystem::path executor;
    std::filesystem::path engine;  // a guest libFuzzer binary (runs the given files once each)
    vm::Accel accel = vm::Accel::Tcg;
    int memory_mb = 1024;
    std::optional<long> tsc_khz;
    std::filesystem::path work_dir;
    std::vector<GuestFile> environment;  // the campaign's environment modules (environment_files)
    const std::atomic<bool>* interrupted = nullptr;
    // Set: replay VMs are restored from one snapshot of the ready guest (shared by copies of these
    // options) instead of booted; null: every VM boots (`--reset boot`).
    std::shared_ptr<FuzzSnapshot> snapshot;
};

struct ReplayOutcome {
    bool crashed = false;
    std::string title;  // "" when no crash
    std::string excerpt;
    int crashing_index = -1;  // which of the inputs crashed (-1: none, or unknown)
    double seconds = 0;
    bool restored = false;  // the VM was restored from ReplayOptions::snapshot
};

// Runs `inputs` in order in ONE fresh VM; stops at the first crash.
Expected<ReplayOutcome> replay_inputs(const ReplayOptions& options, const std::vector<mutate::Bytes>& inputs);

struct MinimiseResult {
    mutate::Bytes input;
    std::vector<std::string> steps;  // what was removed, in order ("params: dropped 'x=1'", ...)
    int vms = 0;  // all of them, structural ones included
    // The structural part (empty `seed` when no seed was given or none is near):
    std::string seed;  // the nearest seed module
    size_t differences_before = 0;  // image differences from that seed before minimising
    std::vector<std::string> differences;  // the ones the crash needs, in the ELF model's words
    std::vector<ImageDifference> kept;  // the same, as data (for writing them into other kernels' seeds)
    int structural_vms = 0;
    bool structural_exhausted = false;  // the VM budget ended the search: maybe not minimal
};

// Simplifies the call (params tokens, flags, fd kind, syscall), drops the history and trims the
// image tail, keeping only changes that still crash with `title`. At most `max_vms` VMs. Then,
// given `seeds`, reduces the image to the fewest differences from the nearest seed that still
// crash with `title` (delta debugging, every test in a fresh VM; at most `max_structural_vms`).
Expected<MinimiseResult> minimise_crash(const ReplayOptions& options, const mutate::Bytes& input, const std::string& title, int max_vms = 8,
                                        const std::vector<SeedImage>& seeds = {}, int max_structural_vms = 24);

// A C program that makes the same call (for a bug report). It crashes the kernel it runs on, so
// it applies the guest guard first (harness/guest_guard/guard_c.h) and refuses outside a harness VM.
std::string c_reproducer(const mutate::FuzzInput& in, const std::string& title);

}  // namespace mh::campaign
