// `modharness repro`: replay a fuzzing crash in a fresh VM, say whether it reproduces, minimise it
// and write a standalone C reproducer.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/number_option.h"
#include "harness/common/files.h"
#include "harness/campaign/affected.h"
#include "harness/campaign/campaign.h"
#include "harness/campaign/seed_inputs.h"
#include "harness/campaign/triage.h"
#include "harness/session/accel_probe.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/kernel_set.h"
#include "harness/session/run_session.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness repro CRASH [--kernel NAME] [--runs N] [--no-minimize] [--accel A]\n"
    "\n"
    "Replays a crash found by modharness fuzz in a fresh VM and says whether it reproduces (the\n"
    "same title, from the console or the kernel log). CRASH is a crash group directory\n"
    "(<fuzz out>/crashes/<title>/, holding input.bin and title.txt) or a single input file (then\n"
    "any crash counts). Unless --no-minimize, the input is then minimised while the title holds:\n"
    "first the call (parameters, flags, syscall, fd kind, the image's tail; a few VMs), then the\n"
    "image structurally: its differences from the nearest seed module (the kernel's seeds, built\n"
    "as the campaign built them) as ELF fields, section contents and the tail, reduced by delta\n"
    "debugging to the few the crash needs (every test in a fresh VM; several per VM) and printed\n"
    "in the ELF model's words (\"section 12 `.symtab` header sh_link 40 -> 3\"). minimized.bin and\n"
    "repro.c (a standalone C program making the same call) are written beside it, with\n"
    "triage.json.\n"
    "\n"
    "With --kernels SET, the minimised crash is then replayed on every kernel of the set (each\n"
    "fetched when missing): its differences are written into that kernel's own build of the seed\n"
    "(the same ELF fields, symbols and sections; a module only loads on the kernel it was built\n"
    "for) and run with the minimised call in a fresh VM. Each kernel gets one outcome: crash (the\n"
    "same title), other-crash, no-crash, not-portable (a difference has no place in that build)\n"
    "or error; a table and affected.json say which kernels the crash affects.\n"
    "\n";

constexpr const char* kExitCodes =
    "\n"
    "exit codes: 0 reproduced, 1 did not reproduce, 2 usage, 3 environment, 130 interrupted\n";

std::vector<OptionSpec> repro_options() {
    return {
        {"kernel", "NAME", "the kernel (default: the campaign's, from <out>/campaign.json; else fuzz-6.12)"},
        {"runs", "N", "replays of the original input, each in its own VM, 1..100 (default 1)"},
        {"no-minimize", "", "only replay"},
        {"max-vms", "N", "VMs for the structural minimisation, 1..200 (default 24)"},
        {"kernels", "SET",
         "replay the minimised crash on each kernel of SET (repeatable; SET as in\nmodharness matrix --help, e.g. debian-6.1-cloud@cached)",
         kRepeatable},
        {"accel", "A", "auto (default), tcg, kvm"},
        {"help", "", ""},
    };
}

// --kernels: the minimised crash on every kernel of the set; a table and affected.json.
Status replay_affected(const campaign::TriageResult& r, const campaign::ReplayOptions& ro, const std::vector<std::string>& set,
                       const std::filesystem::path& target) {
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
    std::error_code ec;
    const bool group = std::filesystem::is_directory(target, ec);
    const auto file = group ? target / "affected.json" : target.parent_path() / (target.filename().string() + ".affected.json");
    MH_TRY(write_file_atomic(file, campaign::affected_json(ao, *outcomes)));
    std::printf("wrote %s\n", file.c_str());
    return ok_status();
}

}  // namespace

int cmd_repro(const Args& args) {
    const auto specs = repro_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("repro", usage_error(p.error().message + "\n(see modharness repro --help)"));
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 18);
        std::fputs(kExitCodes, stdout);
        return kExitOk;
    }
    const auto kernel_set = p->all("kernels");
    if (!kernel_set.empty()) {
        if (p->has("no-minimize"))
            return report_error("repro", usage_error("--kernels replays the minimised crash: it cannot go with --no-minimize"));
        if (auto syntax = kernels::check_kernel_set(kernel_set); !syntax) return report_error("repro", syntax.error());
    }
    if (p->positionals.size() != 1) return report_error("repro", usage_error("give one crash directory or input file (see --help)"));
    const std::filesystem::path target = p->positionals[0];
    std::error_code ec;
    if (!std::filesystem::exists(target, ec)) return report_error("repro", usage_error(target.string() + " does not exist"));
    std::string kernel_name = p->get_or("kernel", "");
    if (kernel_name.empty()) {
        // <out>/crashes/<slug>/ -> <out>/campaign.json
        const auto state = std::filesystem::absolute(target).parent_path().parent_path() / "campaign.json";
        if (auto text = read_text_file(state)) {
            auto j = nlohmann::json::parse(*text, nullptr, false);
            if (!j.is_discarded()) kernel_name = j.value("kernel", "");
        }
        if (kernel_name.empty()) kernel_name = "fuzz-6.12";
    }
    campaign::TriageOptions to;
    to.minimise = !p->has("no-minimize");
    auto runs = number_option(*p, "runs", 1, 1, 100);
    if (!runs) return report_error("repro", runs.error());
    to.runs = *runs;
    if (auto vms = number_option(*p, "max-vms", to.max_structural_vms, 1, 200))
        to.max_structural_vms = *vms;
    else
        return report_error("repro", vms.error());
    auto kernel = kernels::resolve_kernel(kernel_name, false);
    if (!kernel) return report_error("repro", kernel.error());
    auto engine = campaign::guest_fuzzer_path("structured");
    if (!engine) return report_error("repro", engine.error());
    campaign::ReplayOptions ro;
    ro.kernel = *kernel;
    ro.executor = session::default_executor_path();
    ro.engine = *engine;
    auto accel = session::accel_from_option(p->get_or("accel", "auto"), kernel->bzimage, ro.executor, "qemu-system-x86_64");
    if (!accel) return report_error("repro", accel.error());
    ro.accel = accel->accel;
    ro.tsc_khz = vm::tsc_khz_from_cpuinfo(read_text_file("/proc/cpuinfo").value_or(""));
    ro.work_dir = std::filesystem::temp_directory_path() / ("modharness-repro-" + std::to_string(::getpid()));
    // The same environment modules as the campaign (inputs may import mh_provider's symbols).
    if (auto env = campaign::environment_files(*kernel, ro.work_dir))
        ro.environment = std::move(*env);
    else
        std::fprintf(stderr, "modharness repro: warning: %s (replaying without it)\n", env.error().message.c_str());
    ro.interrupted = install_interrupt_flag();
    // The seed modules as the campaign fed them: the structural part of minimisation reduces the
    // image to its fewest differences from the nearest one.
    if (to.minimise) {
        if (auto seeds = campaign::build_seed_inputs(*kernel, campaign::default_fuzz_seed_names(), ro.work_dir / "seeds", ro.interrupted)) {
            for (const auto& in : seeds->inputs)
                if (!in.module.empty() &&
                    std::none_of(to.seeds.begin(), to.seeds.end(), [&](const auto& s) { return s.name == in.module; }))
                    to.seeds.push_back({in.module, mutate::decode(in.bytes).image});
        } else {
            std::fprintf(stderr, "modharness repro: warning: %s (no structural minimisation)\n", seeds.error().message.c_str());
        }
    }

    std::fprintf(stderr, "modharness repro: replaying %s on %s ...\n", target.c_str(), kernel->release.c_str());
    auto r = campaign::triage_crash(ro, target, to);
    if (!std::getenv("MH_KEEP_WORK") && kernel_set.empty()) std::filesystem::remove_all(ro.work_dir, ec);  // consoles of the replay VMs
    if (ro.interrupted->load()) return kExitInterrupted;
    if (!r) return report_error("repro", r.error());
    std::printf("%s: %s (%d/%d runs)\n", r->reproduces() ? "REPRODUCED" : "did not reproduce",
                r->expected_title.empty() ? r->observed_title.c_str() : r->expected_title.c_str(), r->reproduced_runs, r->runs);
    if (!r->observed_title.empty() && !r->expected_title.empty() && r->observed_title != r->expected_title)
        std::printf("  (the replay crashed differently: %s)\n", r->observed_title.c_str());
    if (r->minimised) {
        std::printf("minimised: %zu -> %zu bytes in %d VMs\n", r->input_bytes, r->minimised_bytes, r->vms);
        for (const auto& s : r->minimise_steps) std::printf("  - %s\n", s.c_str());
        if (!r->seed.empty()) {
            std::printf("the crash needs %zu of %zu differences from seed '%s'%s:\n", r->differences.size(), r->differences_before,
                        r->seed.c_str(), r->structural_exhausted ? " (VM budget spent: maybe not minimal)" : "");
            for (const auto& d : r->differences) std::printf("  %s\n", d.c_str());
            if (r->differences.empty()) std::printf("  (none: the seed image itself crashes with this call)\n");
        }
        const auto dir = std::filesystem::is_directory(target) ? target : target.parent_path();
        std::printf("wrote %s, %s\n", (dir / "minimized.bin").c_str(), (dir / "repro.c").c_str());
    }
    if (!kernel_set.empty() && r->reproduces()) {
        if (auto st = replay_affected(*r, ro, kernel_set, target); !st) {
            std::filesystem::remove_all(ro.work_dir, ec);
            return report_error("repro", st.error());
        }
        if (!std::getenv("MH_KEEP_WORK")) std::filesystem::remove_all(ro.work_dir, ec);
    }
    return r->reproduces() ? kExitOk : kExitFindings;
}

}  // namespace mh::cli
