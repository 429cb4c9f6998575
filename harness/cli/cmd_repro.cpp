// `modharness repro`: replay a fuzzing crash in a fresh VM, say whether it reproduces, minimise it
// and write a standalone C reproducer.
#include <cstdio>
#include <cstdlib>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/number_option.h"
#include "harness/cli/replay_setup.h"
#include "harness/common/files.h"
#include "harness/campaign/triage.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/kernel_set.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness repro CRASH [--kernel NAME] [--runs N] [--no-minimize] [--reset HOW] [--accel A]\n"
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
    "\n"
    "A fresh VM here is a restored one: the guest boots once to the executor's ready point (the\n"
    "engine and environment modules in its initramfs), is saved, and every replay VM is restored\n"
    "from that snapshot and gets its inputs as a QEMU fw_cfg file. The snapshot is kept in the\n"
    "snapshot cache, so the next repro or triage on the same kernel boots no VM at all. A restore\n"
    "that fails drops the snapshot (and its cache entry) and the VMs boot, as with --reset boot.\n"
    "\n";

constexpr const char* kExitCodes =
    "\n"
    "exit codes: 0 reproduced, 1 did not reproduce, 2 usage, 3 environment, 130 interrupted\n";

std::vector<OptionSpec> repro_options() {
    std::vector<OptionSpec> specs = {
        {"kernel", "NAME", "the kernel (default: the campaign's, from <out>/campaign.json; else fuzz-6.12)"},
        {"runs", "N", "replays of the original input, each in its own VM, 1..100 (default 1)"},
        {"no-minimize", "", "only replay"},
        {"max-vms", "N", "VMs for the structural minimisation, 1..200 (default 24)"},
        {"kernels", "SET",
         "replay the minimised crash on each kernel of SET (repeatable; SET as in\nmodharness matrix --help, e.g. debian-6.1-cloud@cached)",
         kRepeatable},
    };
    for (auto& o : replay_vm_options()) specs.push_back(std::move(o));
    specs.push_back({"help", "", ""});
    return specs;
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
    if (kernel_name.empty())
        kernel_name = campaign_kernel(std::filesystem::absolute(target).parent_path().parent_path());  // <out>/crashes/<slug>/
    if (kernel_name.empty()) kernel_name = "fuzz-6.12";
    campaign::TriageOptions to;
    to.minimise = !p->has("no-minimize");
    auto runs = number_option(*p, "runs", 1, 1, 100);
    if (!runs) return report_error("repro", runs.error());
    to.runs = *runs;
    if (auto vms = number_option(*p, "max-vms", to.max_structural_vms, 1, 200))
        to.max_structural_vms = *vms;
    else
        return report_error("repro", vms.error());
    campaign::ReplayOptions ro;
    if (auto st = replay_setup("repro", kernel_name, *p, to.minimise, ro, to); !st) return report_error("repro", st.error());
    const auto* kernel = &ro.kernel;

    std::fprintf(stderr, "modharness repro: replaying %s on %s ...\n", target.c_str(), kernel->release.c_str());
    auto r = campaign::triage_crash(ro, target, to);
    if (!std::getenv("MH_KEEP_WORK") && kernel_set.empty()) std::filesystem::remove_all(ro.work_dir, ec);  // consoles of the replay VMs
    if (ro.interrupted->load()) return kExitInterrupted;
    if (!r) return report_error("repro", r.error());
    std::printf("%s: %s (%d/%d runs)\n", r->reproduces() ? "REPRODUCED" : "did not reproduce",
                r->expected_title.empty() ? r->observed_title.c_str() : r->expected_title.c_str(), r->reproduced_runs, r->runs);
    if (!r->observed_title.empty() && !r->expected_title.empty() && r->observed_title != r->expected_title)
        std::printf("  (the replay crashed differently: %s)\n", r->observed_title.c_str());
    std::printf("replay VMs: %d in %.1f s, %d restored from a snapshot of the ready guest, %d booted\n", r->vms, r->seconds,
                r->vms_restored, r->vms - r->vms_restored);
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
        std::error_code dir_ec;
        const auto file = std::filesystem::is_directory(target, dir_ec)
                              ? target / "affected.json"
                              : target.parent_path() / (target.filename().string() + ".affected.json");
        if (auto st = replay_affected(*r, ro, kernel_set, file); !st) {
            std::filesystem::remove_all(ro.work_dir, ec);
            return report_error("repro", st.error());
        }
        if (!std::getenv("MH_KEEP_WORK")) std::filesystem::remove_all(ro.work_dir, ec);
    }
    return r->reproduces() ? kExitOk : kExitFindings;
}

}  // namespace mh::cli
