// `modharness triage DIR`: every crash group of a campaign replayed, minimised (call and
// structure), symbolised and attributed, deduplicated by culprit, optionally replayed on a kernel
// set; findings.json, findings.md and findings.html.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "harness/campaign/findings.h"
#include "harness/campaign/findings_html.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/number_option.h"
#include "harness/cli/replay_setup.h"
#include "harness/cli/seed_symbols.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/kernel_log/stack_frames.h"
#include "harness/kernels/debug_vmlinux.h"
#include "harness/kernels/kernel_set.h"
#include "harness/symbolize/attribution.h"
#include "harness/symbolize/symbolizer.h"

namespace mh::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHelp =
    "usage: modharness triage DIR [--kernel NAME] [--kernels SET] [--known FILE] [--out DIR] [options]\n"
    "\n"
    "Turns a fuzzing campaign's crash groups (DIR is its --out) into findings. For every group:\n"
    "replay its input in a fresh VM (reproduces or not), minimise it (the call, then the image's\n"
    "differences from the nearest seed module by delta debugging, as `modharness repro` does),\n"
    "symbolise its kernel report against the kernel's DWARF vmlinux (Debian's -dbg package, fetched\n"
    "once) and name the culprit: the loader line that trusted the input (kernel/module/*,\n"
    "arch/x86/kernel/module.c) or the module's own code. Groups are deduplicated by culprit, not\n"
    "by title. With --kernels, each finding's minimised crash is replayed on every kernel of the set\n"
    "(its differences written into that kernel's own seed build). Groups without an input and\n"
    "crashes that do not reproduce are listed as such. Writes findings.json (schema\n"
    "modharness.findings/1), findings.md and findings.html into --out (default DIR), and each group's\n"
    "triage.json, culprit.json, minimized.bin, repro.c (and affected.json).\n"
    "\n"
    "With --reuse, a group that already has a triage.json is not replayed: its triage.json and\n"
    "affected.json are read back and only its report is symbolised again; --kernels then replays\n"
    "only findings without an affected.json. For writing the findings again after `modharness repro`\n"
    "re-minimised a group (e.g. with a larger --max-vms) or after an attribution rule changed.\n"
    "\n";

std::vector<OptionSpec> triage_options() {
    std::vector<OptionSpec> specs = {
        {"kernel", "NAME", "the kernel (default: the campaign's, from DIR/campaign.json)"},
        {"kernels", "SET", "replay each loader finding on every kernel of SET (repeatable; as in matrix --help)", kRepeatable},
        {"known", "FILE", "an earlier findings.json: its findings are known, not new"},
        {"out", "DIR", "where findings.json, findings.md and findings.html go (default: DIR)"},
        {"max-vms", "N", "VMs per crash for the structural minimisation, 1..200 (default 24)"},
        {"no-minimize", "", "replay and symbolise only"},
        {"no-fetch", "", "do not download the -dbg package (unsymbolised culprits without it)"},
        {"reuse", "", "read each group's earlier triage.json and affected.json instead of replaying it"},
        {"quiet", "", "no progress lines"},
    };
    for (auto& o : replay_vm_options()) specs.push_back(std::move(o));
    specs.push_back({"help", "", ""});
    return specs;
}

// The culprit of one report text, or "unsymbolized" when there is no symboliser or no report.
void attribute_report(const symbolize::Symbolizer* sym, const std::string& report, campaign::CrashTriage& c) {
    c.culprit_kind = "unsymbolized";
    if (!sym || report.empty()) {
        c.culprit_reason = !sym ? "no DWARF vmlinux for this kernel" : "no kernel report kept";
        return;
    }
    auto frames = sym->symbolize(kernel_log::parse_stack_frames(report));
    if (!frames) {
        c.culprit_reason = frames.error().message;
        return;
    }
    const auto blame = symbolize::attribute(*frames);
    c.culprit_kind = blame.kind;
    c.culprit_reason = blame.reason;
    c.culprit = blame.culprit();
}

// A group's earlier triage (--reuse).
Expected<campaign::TriageResult> reused_triage(const fs::path& group) {
    auto text = read_text_file(group / "triage.json");
    if (!text) return text.error();
    auto r = campaign::parse_triage_json(*text);
    if (!r) return make_error((group / "triage.json").string() + ": " + r.error().message);
    if (auto m = read_text_file(group / "minimized.bin")) r->minimised_input.assign(m->begin(), m->end());  // the call
    return r;
}

}  // namespace

int cmd_triage(const Args& args) {
    const auto specs = triage_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("triage", usage_error(p.error().message + "\n(see modharness triage --help)"));
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 18);
        std::puts(
            "\nexit codes: 0 no new loader bug, 1 a new loader bug (not in --known), 2 usage, 3 environment,\n"
            "4 findings could not be written, 130 interrupted");
        return kExitOk;
    }
    if (p->positionals.size() != 1) return report_error("triage", usage_error("give one campaign directory (see --help)"));
    const fs::path dir = p->positionals[0];
    std::error_code ec;
    if (!fs::is_directory(dir / "crashes", ec))
        return report_error("triage", usage_error(dir.string() + " has no crashes/: not a campaign's --out"));
    const auto set = p->all("kernels");
    if (!set.empty())
        if (auto syntax = kernels::check_kernel_set(set); !syntax) return report_error("triage", syntax.error());
    std::set<std::string> known;
    if (auto file = p->get("known")) {
        auto text = read_text_file(*file);
        if (!text) return report_error("triage", usage_error(text.error().message));
        auto ids = campaign::known_finding_ids(*text);
        if (!ids) return report_error("triage", usage_error(*file + ": " + ids.error().message));
        known = *ids;
    }
    const bool quiet = p->has("quiet");
    const bool reuse = p->has("reuse");
    std::string kernel_name = p->get_or("kernel", campaign_kernel(dir));
    if (kernel_name.empty()) return report_error("triage", usage_error("which kernel? DIR has no campaign.json: --kernel NAME"));
    campaign::TriageOptions to;
    to.minimise = !p->has("no-minimize");
    if (auto vms = number_option(*p, "max-vms", to.max_structural_vms, 1, 200))
        to.max_structural_vms = *vms;
    else
        return report_error("triage", vms.error());
    campaign::ReplayOptions ro;
    if (auto st = replay_setup("triage", kernel_name, *p, to.minimise, ro, to); !st) return report_error("triage", st.error());

    // The symboliser: its absence leaves culprits unsymbolised, it does not stop the triage.
    std::optional<symbolize::Symbolizer> sym;
    kernels::DebugVmlinuxOptions dopt;
    dopt.fetch = !p->has("no-fetch");
    dopt.interrupted = ro.interrupted;
    dopt.progress = [quiet](const std::string& line) {
        if (!quiet) std::fprintf(stderr, "modharness: triage: %s\n", line.c_str());
    };
    if (auto vmlinux = kernels::debug_vmlinux(ro.kernel, dopt)) {
        if (auto s = symbolize::Symbolizer::open(*vmlinux)) {
            sym = std::move(*s);
            add_seed_modules(*sym, ro.kernel, "triage");
        } else
            std::fprintf(stderr, "modharness triage: warning: %s (culprits unsymbolised)\n", s.error().message.c_str());
    } else {
        std::fprintf(stderr, "modharness triage: warning: %s (culprits unsymbolised)\n", vmlinux.error().message.c_str());
    }

    std::vector<fs::path> groups;
    for (const auto& e : fs::directory_iterator(dir / "crashes", ec))
        if (e.is_directory()) groups.push_back(e.path());
    std::sort(groups.begin(), groups.end());
    campaign::Findings f;
    f.kernel = kernel_name;
    f.release = ro.kernel.release;
    f.campaign = fs::absolute(dir).string();
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (ro.interrupted->load()) return kExitInterrupted;
        const auto& g = groups[i];
        campaign::CrashTriage c;
        c.group = g.filename().string();
        c.title = trim(read_text_file(g / "title.txt").value_or(""));
        // A reused triage.json was made from an input (the committed findings keep minimized.bin, not input.bin).
        const bool reused = reuse && fs::exists(g / "triage.json", ec);
        c.has_input = reused || fs::exists(g / "input.bin", ec);
        if (!quiet) std::fprintf(stderr, "modharness: triage: [%zu/%zu] %s\n", i + 1, groups.size(), c.title.c_str());
        if (reused) {
            auto r = reused_triage(g);
            if (r)
                c.triage = std::move(*r);
            else
                c.error = r.error().message;
            if (auto a = read_text_file(g / "affected.json")) {
                auto outcomes = campaign::parse_affected_json(*a);
                if (!outcomes) return report_error("triage", make_error((g / "affected.json").string() + ": " + outcomes.error().message));
                c.affected = std::move(*outcomes);
            }
        } else if (c.has_input) {
            campaign::ReplayOptions gro = ro;
            gro.work_dir = ro.work_dir / c.group;
            auto r = campaign::triage_crash(gro, g, to);
            if (r) {
                c.triage = *r;
            } else {
                if (ro.interrupted->load() || r.error().kind == ErrorKind::kInterrupted) return kExitInterrupted;
                if (r.error().kind == ErrorKind::kStorage) return report_error("triage", r.error());
                c.error = r.error().message;  // this group's outcome; the others go on
                std::fprintf(stderr, "modharness triage: %s: %s\n", c.group.c_str(), c.error.c_str());
            }
        }
        const std::string report = read_text_file(g / "report.txt").value_or(c.triage.observed_excerpt);
        attribute_report(sym ? &*sym : nullptr, report, c);
        if (auto w = write_file_atomic(
                g / "culprit.json",
                nlohmann::json{{"kind", c.culprit_kind}, {"culprit", c.culprit}, {"reason", c.culprit_reason}}.dump(1) + "\n");
            !w)
            return report_error("triage", w.error());
        std::printf("%-13s %-48s %s\n", c.culprit_kind.c_str(), c.culprit.c_str(), c.title.c_str());
        std::fflush(stdout);
        f.crashes.push_back(std::move(c));
    }
    campaign::group_findings(f, known);
    if (!set.empty())
        for (auto& fi : f.findings) {
            auto& rep = f.crashes[fi.representative];
            if (fi.kind != "loader" || !rep.triage.reproduces() || rep.triage.seed.empty() || !rep.affected.empty()) continue;
            if (rep.triage.kept.empty()) {  // reused without an affected.json: its differences are not in triage.json
                std::fprintf(stderr, "modharness triage: %s: not replayed on --kernels (reused triage.json has no affected.json)\n",
                             rep.group.c_str());
                continue;
            }
            campaign::ReplayOptions aro = ro;
            aro.work_dir = ro.work_dir / ("affected-" + rep.group);
            auto a = replay_affected(rep.triage, aro, set, dir / "crashes" / rep.group / "affected.json");
            if (!a) return report_error("triage", a.error());
            rep.affected = *a;
        }
    const fs::path out = p->get_or("out", dir.string());
    fs::create_directories(out, ec);
    if (auto w = write_file_atomic(out / "findings.json", campaign::findings_json(f)); !w) return report_error("triage", w.error());
    if (auto w = write_file_atomic(out / "findings.md", campaign::findings_markdown(f)); !w) return report_error("triage", w.error());
    if (auto w = write_file_atomic(out / "findings.html", campaign::findings_html(f)); !w) return report_error("triage", w.error());
    if (!std::getenv("MH_KEEP_WORK")) fs::remove_all(ro.work_dir, ec);
    std::printf("\n%zu crash groups -> %zu findings (%zu new loader bugs)\n", f.crashes.size(), f.findings.size(), f.new_loader_bugs());
    for (const auto& fi : f.findings)
        std::printf("  %s%-60s %zu group(s)\n", fi.is_new ? "NEW " : "    ", fi.id.c_str(), fi.crashes.size());
    std::printf("wrote %s, %s, %s\n", (out / "findings.json").c_str(), (out / "findings.md").c_str(), (out / "findings.html").c_str());
    return f.new_loader_bugs() > 0 ? kExitFindings : kExitOk;
}

}  // namespace mh::cli
