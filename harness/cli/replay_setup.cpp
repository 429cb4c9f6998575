#include "harness/cli/replay_setup.h"

#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "harness/campaign/affected.h"
#include "harness/campaign/campaign.h"
#include "harness/campaign/seed_inputs.h"
#include "harness/cli/interrupt.h"
#include "harness/common/files.h"
#include "harness/cli/reset_options.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/kernel_set.h"
#include "harness/session/accel_probe.h"
#include "harness/session/run_session.h"

namespace mh::cli {

std::string campaign_kernel(const std::filesystem::path& campaign_out) {
    auto text = read_text_file(campaign_out / "campaign.json");
    if (!text) return "";
    auto j = nlohmann::json::parse(*text, nullptr, false);
    return j.is_discarded() || !j.is_object() ? "" : j.value("kernel", "");
}

std::vector<OptionSpec> replay_vm_options() {
    std::vector<OptionSpec> specs = {{"accel", "A", "auto (default), tcg, kvm"}};
    for (auto& o : reset_option_specs("each replay VM")) specs.push_back(std::move(o));
    return specs;
}

Status replay_setup(const char* command, const std::string& kernel_name, const ParsedArgs& p, bool seeds, campaign::ReplayOptions& ro,
                    campaign::TriageOptions& to) {
    MH_TRY_ASSIGN(reset, reset_choice(p));
    const std::string accel_option = p.get_or("accel", "auto");
    MH_TRY_ASSIGN(kernel, kernels::resolve_kernel(kernel_name, false));
    MH_TRY_ASSIGN(engine, campaign::guest_fuzzer_path("structured"));
    ro.kernel = kernel;
    ro.executor = session::default_executor_path();
    ro.engine = engine;
    MH_TRY_ASSIGN(accel, session::accel_from_option(accel_option, kernel.bzimage, ro.executor, "qemu-system-x86_64"));
    ro.accel = accel.accel;
    ro.tsc_khz = vm::tsc_khz_from_cpuinfo(read_text_file("/proc/cpuinfo").value_or(""));
    ro.work_dir = std::filesystem::temp_directory_path() / ("modharness-" + std::string(command) + "-" + std::to_string(::getpid()));
    // The same environment modules as the campaign (inputs may import mh_provider's symbols).
    if (auto env = campaign::environment_files(kernel, ro.work_dir))
        ro.environment = std::move(*env);
    else
        std::fprintf(stderr, "modharness %s: warning: %s (replaying without it)\n", command, env.error().message.c_str());
    ro.interrupted = install_interrupt_flag();
    if (reset.snapshot) {
        const std::string prefix = "modharness " + std::string(command) + ": ";
        ro.snapshot = std::make_shared<campaign::FuzzSnapshot>(
            ro.work_dir / "snapshot", reset.snapshot_cache,
            [prefix](const std::string& line) { std::fprintf(stderr, "%s%s\n", prefix.c_str(), line.c_str()); });
    }
    if (!seeds) return ok_status();
    // The seed modules as the campaign fed them: the structural part of minimisation reduces the
    // image to its fewest differences from the nearest one.
    auto built = campaign::build_seed_inputs(kernel, campaign::default_fuzz_seed_names(), ro.work_dir / "seeds", ro.interrupted);
    if (!built) {
        std::fprintf(stderr, "modharness %s: warning: %s (no structural minimisation)\n", command, built.error().message.c_str());
        return ok_status();
    }
    to.seeds = campaign::seed_images(*built);
    return ok_status();
}

Expected<std::vector<campaign::KernelOutcome>> replay_affected(const campaign::TriageResult& r, const campaign::ReplayOptions& ro,
                                                               const std::vector<std::string>& set, const std::filesystem::path& file) {
    if (r.seed.empty())
        return usage_error(
            "--kernels: the crash image was not reduced to differences from a seed module (no seed is near it), so it "
            "cannot be rebuilt for other kernels");
    auto members = kernels::expand_kernel_set(set, kernels::system_set_sources(ro.interrupted));
    if (!members) return members.error();
    std::vector<kernels::Kernel> ks;
    std::vector<campaign::KernelOutcome> unresolved;
    for (const auto& m : *members) {
        auto k = kernels::resolve_kernel(m.name, true);
        if (k)
            ks.push_back(*k);
        else
            unresolved.push_back({m.name, m.release, "error", "", k.error().message, 0});
    }
    campaign::AffectedOptions ao;
    ao.replay = ro;
    ao.seed = r.seed;
    ao.differences = r.kept;
    ao.call = mutate::decode(r.minimised_input).call;
    ao.title = r.expected_title.empty() ? r.observed_title : r.expected_title;
    std::printf("\naffected kernels (%zu; the %zu differences written into each kernel's seed '%s'):\n", members->size(), r.kept.size(),
                r.seed.c_str());
    auto row = [](const campaign::KernelOutcome& o) {
        std::printf("  %-34s %-13s %s\n", o.release.empty() ? o.kernel.c_str() : o.release.c_str(), o.outcome.c_str(),
                    (o.outcome == "crash" ? ""
                     : !o.title.empty()   ? o.title
                                          : o.detail)
                        .c_str());
        std::fflush(stdout);
    };
    for (const auto& o : unresolved) row(o);
    ao.on_kernel = row;
    auto outcomes = campaign::replay_on_kernels(ks, ao);
    if (!outcomes) return outcomes.error();
    outcomes->insert(outcomes->begin(), unresolved.begin(), unresolved.end());
    std::size_t crashed = 0;
    for (const auto& o : *outcomes) crashed += o.outcome == "crash";
    std::printf("the crash reproduces on %zu of %zu kernels\n", crashed, outcomes->size());
    MH_TRY(write_file_atomic(file, campaign::affected_json(ao, *outcomes)));
    std::printf("wrote %s\n", file.c_str());
    return outcomes;
}

}  // namespace mh::cli
