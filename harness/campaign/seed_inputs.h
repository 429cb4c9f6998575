// The starting corpus of a campaign: seed modules built for the kernel (debug info stripped, so
// inputs stay small), each encoded with a few calls (init_module, finit_module on a memfd,
// declared parameters set).
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::campaign {

struct NamedInput {
    std::string name;  // "ok-init", "params-finit-memfd", ...
    mutate::Bytes bytes;  // encoded
    std::string module;  // the seed module it was made from ("ok"); "" for a --seed-file
};

// Seeds used when --seeds is not given: the modules that load cleanly.
std::vector<std::string> default_fuzz_seed_names();

// Encodes the inputs for one seed module's bytes.
std::vector<NamedInput> seed_inputs_for(const std::string& seed, const mutate::Bytes& module);

// AFL's deterministic dictionary stage, done once on the host for one seed module: every
// catalogue row (except the generic byte rows and those that oops or WARN), every .modinfo
// dictionary entry (with a sysfs probe), every dictionary section name as an empty appended
// section, every action alone and every parameter word, each applied once to the seed and
// recorded in the history.
// Random mutation of a corpus that is mostly broken images rarely lands these on an image that
// loads; these give each one a loading starting point.
std::vector<NamedInput> dictionary_seed_inputs(const std::string& seed, const mutate::Bytes& module);
// Its .modinfo part alone, which every other seed gets: a license, a name (a renamed provider is a
// second exporter of its symbols; an importer named lve is proprietary) matter for each module.
std::vector<NamedInput> modinfo_seed_inputs(const std::string& seed, const mutate::Bytes& module);

// A seed module as the campaign fed it (stripped, signed like the campaign's): what a crash
// image is compared with.
struct SeedImage {
    std::string name;  // "ok"
    mutate::Bytes image;
};

struct SeedInputs {
    std::vector<NamedInput> inputs;  // seed_inputs_for each seed: every engine but random starts from these
    std::vector<NamedInput> stage;  // the dictionary stage: structure-aware engines only (it is their mutator's work)
};

// Builds the seed modules for `k` (cached), strips them into work_dir (signed again with the
// kernel's own key when the build signed them: strip drops the signature), encodes them; the
// stage holds the first seed's dictionary_seed_inputs and the others' modinfo_seed_inputs.
// `interrupted` (Ctrl-C) stops the seed builds' make.
Expected<SeedInputs> build_seed_inputs(const kernels::Kernel& k, const std::vector<std::string>& seeds,
                                       const std::filesystem::path& work_dir, const std::atomic<bool>* interrupted = nullptr);

// Each seed module's image once, in input order (decoded from its first input).
std::vector<SeedImage> seed_images(const SeedInputs& seeds);

// A starting input that crashes the kernel would crash every later VM as it starts: removes it
// from `seeds`, and when it is a seed module unmodified (no mutation in its history), every input
// made from that module too, stage included. Returns a line for the log, "" when `input` is none
// of them.
std::string drop_crashing_seed(SeedInputs& seeds, std::string_view input);

// The modules every fuzzing VM loads before the engine starts and keeps loaded (mh_provider,
// whose plain, GPL-only, namespaced and per-CPU symbols mh_consumer imports), as initramfs files
// under mh/env/ (fuzz/guest/call_exec.h kEnvironmentDir), stripped, and signed like the seeds
// where the kernel's build signs modules.
Expected<std::vector<GuestFile>> environment_files(const kernels::Kernel& k, const std::filesystem::path& work_dir);

}  // namespace mh::campaign
