// `modharness fuzz`: a time-boxed, resumable fuzzing campaign against a kernel's module loader.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "conformance/report/kcidb.h"
#include "harness/cli/args.h"
#include "harness/cli/reset_options.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/kcidb_option.h"
#include "harness/cli/number_option.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/campaign/campaign.h"
#include "harness/campaign/check_options.h"
#include "harness/campaign/findings.h"
#include "harness/campaign/sync_dir.h"
#include "harness/coverage/coverage_count.h"
#include "harness/coverage/coverage_map.h"
#include "harness/mutate/mutator.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/kernel_set.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness fuzz --out DIR [--kernel NAME] [--engine E] [--duration D] [--jobs N] [options]\n"
    "       modharness fuzz merge OUT DIR... [options]   (see modharness fuzz merge --help)\n"
    "\n"
    "Fuzzes init_module/finit_module inside disposable QEMU VMs. Each VM runs the executor as a\n"
    "supervisor and a fuzzing engine as its child; the engine makes one module syscall per input\n"
    "and gets the kernel's KCOV edges as feedback (fuzz kernels: modharness kernel build-fuzz), or\n"
    "errno + the class of the kernel log line on kernels without KCOV (black-box mode). A crash\n"
    "(oops, KASAN or WARN taint, hang) is reported with the input that caused it; the VM is\n"
    "restarted and the campaign goes on until --duration is spent.\n"
    "\n"
    "Everything is written to DIR as it happens: corpus/ (synced from the guest), pcs.txt (every\n"
    "kernel PC reached), coverage.jsonl (curve), crashes/<title>/ (input.bin, call.txt,\n"
    "history.txt, report.txt, console.log) with crashes/index.jsonl, campaign.json (state) and, at\n"
    "the end, summary.json. Running the same command again continues the campaign (corpus, PCs,\n"
    "statistics and known crash titles are reloaded) for another --duration.\n"
    "\n"
    "--triage runs `modharness triage DIR` when the campaign ends (not after Ctrl-C): every crash\n"
    "group replayed, minimised, symbolised and deduplicated by culprit into findings.json/.md/.html,\n"
    "each loader finding replayed on --triage-kernels; the exit code is then triage's (1: a new\n"
    "loader bug, not in --triage-known). A nightly job: fuzz --duration 30m --triage.\n"
    "\n";

constexpr const char* kHelpTail =
    "\n"
    "Sync: with --jobs N the VMs feed each other's finds through the engines' own mechanisms while\n"
    "they run (libFuzzer re-reads its corpus with -reload; AFL++ runs as -M main and -S secondaries\n"
    "and imports peers from its sync_dir layout): the host relays each new corpus entry into the\n"
    "other running VMs (restored VMs; a booted one only gets the corpus it started with).\n"
    "--sync-dir DIR does the same across campaigns and hosts in AFL++'s distributed layout.\n"
    "`modharness fuzz merge OUT DIR...` minimises several campaigns' corpora into one (libFuzzer's\n"
    "-merge=1 in a fuzz VM; see modharness fuzz merge --help and docs/fuzzing.md).\n"
    "\n"
    "exit codes: 0 no new crash, 1 new crash title(s), 2 usage (or --out in use by another run), 3 environment (kernel, QEMU, guest\n"
    "fuzzer missing), 4 results could not be stored, 130 interrupted (state kept: rerun to continue)\n";

constexpr double kMaxDurationSeconds = 366.0 * 24 * 3600;  // a year: past it, a typo
constexpr size_t kMaxInputBytes = size_t{1} << 30;  // what a guest can hold and a module syscall take

std::vector<OptionSpec> fuzz_options() {
    std::vector<OptionSpec> specs = {
        {"out", "DIR", "the campaign directory (required); the same DIR again continues the campaign"},
        {"kernel", "NAME", "kernel to fuzz (default fuzz-6.12)"},
        {"engine", "E",
         "libfuzzer (structure-aware: catalogue, field, byte and call mutations;\n"
         "default), libfuzzer-bytes (libFuzzer's own byte mutation), random (fresh\n"
         "random ET_EXEC-style images: the syscall-fuzzer baseline), aflpp"},
        {"duration", "D", "wall time, e.g. 90s, 30m, 2h (default 10m)"},
        {"jobs", "N", "VMs in parallel, each its own engine instance, 1..64 (default 1)"},
        {"seeds", "A,B",
         "seed modules (corpus/modules; default ok,params,sentinel,consumer,\n"
         "provider). The structure-aware engines also start with the dictionary\n"
         "stage: every catalogue row, .modinfo entry, section name and parameter\n"
         "word applied once to the first seed (.modinfo entries to the others)"},
        {"seed-file", "F", "extra starting input (repeatable): an encoded input or a raw .ko", kRepeatable},
        {"known-crashes", "F", "crash titles (one per line) that do not count as new"},
        {"accel", "A", "auto (default), tcg, kvm"},
        {"memory", "MB", "guest memory, 256..65536 (default 1024)"},
        {"max-len", "N", "largest input in bytes, 1..2^30 (default 1.5 x the largest seed)"},
        {"weights", "W",
         "mutation mix of the structure-aware engines, e.g. call=80,catalogue=10\n"
         "(step kinds catalogue, field, bytes, call; default 30,30,25,15)"},
        {"rng-seed", "N", "for reproducible engine seeds, 1..2^64-1 (default: from the clock)"},
        kcidb_option_spec("also write the campaign as KernelCI KCIDB JSON (schema v5: checkout, build, a test "
                          "modharness.fuzz.<engine>, an issue and an incident per crash title), for kcidb-submit"),
        {"triage", "", "triage the campaign's crashes when it ends (modharness triage DIR)"},
        {"triage-kernels", "SET", "with --triage: replay each loader finding on every kernel of SET (repeatable)", kRepeatable},
        {"triage-known", "FILE", "with --triage: an earlier findings.json whose findings are not new"},
        {"no-sync", "", "the VMs (--jobs N) do not share their finds while they run: each sees only the\ncorpus it started with"},
        {"sync-dir", "DIR",
         "share finds with other campaigns (this host or others: NFS, rsync) through\nDIR in AFL++'s distributed layout: "
         "DIR/<instance>/queue/id:N,orig:NAME"},
        {"instance", "NAME", "this campaign's directory in --sync-dir (default: host name and a hash of --out)"},
        {"quiet", "", "no progress lines"},
    };
    for (auto& o : reset_option_specs("each fuzz VM")) specs.push_back(std::move(o));
    specs.push_back({"help", "", ""});
    return specs;
}

// `modharness triage` arguments for the campaign `o` ran, from the --triage-* options.
Args triage_args(const ParsedArgs& p, const campaign::CampaignOptions& o) {
    Args a = {o.out.string(), "--kernel", o.kernel, "--accel", o.accel};
    for (const auto& set : p.all("triage-kernels")) a.insert(a.end(), {"--kernels", set});
    if (auto known = p.get("triage-known")) a.insert(a.end(), {"--known", *known});
    if (p.has("quiet")) a.push_back("--quiet");
    return a;
}

// The --triage-* options are checked before the campaign: a typo must not cost its duration.
Status check_triage_options(const ParsedArgs& p) {
    const bool triage = p.has("triage");
    if (!triage && (!p.all("triage-kernels").empty() || p.get("triage-known")))
        return usage_error("--triage-kernels and --triage-known need --triage");
    if (!triage) return ok_status();
    if (const auto set = p.all("triage-kernels"); !set.empty()) MH_TRY(kernels::check_kernel_set(set));
    if (auto known = p.get("triage-known")) {
        auto text = read_text_file(*known);
        if (!text) return usage_error("--triage-known: " + text.error().message);
        if (auto ids = campaign::known_finding_ids(*text); !ids)
            return usage_error("--triage-known " + *known + ": " + ids.error().message);
    }
    return ok_status();
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at <= s.size()) {
        size_t c = s.find(',', at);
        if (c == std::string::npos) c = s.size();
        if (c > at) out.push_back(s.substr(at, c - at));
        at = c + 1;
    }
    return out;
}

// The campaign's options from the command line; every bad value is a usage error naming it.
Expected<campaign::CampaignOptions> campaign_options(const ParsedArgs& p) {
    campaign::CampaignOptions o;
    o.kernel = p.get_or("kernel", "fuzz-6.12");
    o.engine = p.get_or("engine", "libfuzzer");
    o.out = p.get_or("out", "");
    if (o.out.empty()) return usage_error("--out DIR is required (campaign state, corpus and crashes go there)");
    MH_TRY_ASSIGN(duration, parse_duration("duration", p.get_or("duration", "10m"), 1, kMaxDurationSeconds));
    o.duration_s = duration;
    MH_TRY_ASSIGN(jobs, number_option(p, "jobs", 1, 1, 64));
    o.jobs = jobs;
    o.accel = p.get_or("accel", "auto");
    if (o.accel != "auto" && o.accel != "tcg" && o.accel != "kvm")
        return usage_error("--accel must be auto, tcg or kvm (got '" + o.accel + "')");
    MH_TRY_ASSIGN(memory, number_option(p, "memory", 1024, 256, 65536));
    o.memory_mb = memory;
    MH_TRY_ASSIGN(reset, reset_choice(p));
    o.snapshot_reset = reset.snapshot;
    o.snapshot_cache = reset.snapshot_cache;
    MH_TRY_ASSIGN(max_len, number_option<size_t>(p, "max-len", 0, 1, kMaxInputBytes));
    o.max_len = max_len;
    // 0 would mean "a time-based seed": not a reproducible run, so not accepted as a value.
    MH_TRY_ASSIGN(rng_seed, number_option<uint64_t>(p, "rng-seed", 0, 1, UINT64_MAX));
    o.rng_seed = rng_seed;
    if (auto s = p.get("seeds")) o.seeds = split_commas(*s);
    o.sync = !p.has("no-sync");
    o.sync_dir = p.get_or("sync-dir", "");
    if (p.has("instance") && o.sync_dir.empty()) return usage_error("--instance names this campaign in a --sync-dir: give --sync-dir too");
    if (!o.sync_dir.empty()) {
        o.instance = p.get_or("instance", campaign::default_instance_name(o.out));
        MH_TRY(campaign::check_instance_name(o.instance));
    }
    o.weights = p.get_or("weights", "");
    for (const auto& f : p.all("seed-file")) o.seed_files.push_back(f);
    bool known_engine = false;
    std::string engines;
    for (const auto& e : campaign::engine_names()) {
        known_engine |= e == o.engine;
        engines += (engines.empty() ? "" : ", ") + e;
    }
    if (!known_engine) return usage_error("unknown --engine '" + o.engine + "' (" + engines + ")");
    // --out, --jobs, --duration again, --weights and --seeds names: all before any kernel or build.
    MH_TRY(campaign::check_options(o));
    if (auto f = p.get("known-crashes")) {
        auto text = read_text_file(*f);
        if (!text) return with_context("--known-crashes: ", text.error());
        for (auto [line, number] : lines(*text))
            if (!line.empty() && line[0] != '#') o.known_titles.emplace_back(line);
    }
    if (auto k = kernels::check_kernel_name(o.kernel); !k) return k.error();
    return o;
}

}  // namespace

int cmd_fuzz(const Args& args) {
    if (!args.empty() && args[0] == "merge") return cmd_fuzz_merge(Args(args.begin() + 1, args.end()));
    const auto specs = fuzz_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("fuzz", usage_error(p.error().message + "\n(see modharness fuzz --help)"));
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 21);
        std::fputs(kHelpTail, stdout);
        return kExitOk;
    }
    auto o = campaign_options(*p);
    if (!o) return report_error("fuzz", o.error());
    if (auto st = check_triage_options(*p); !st) return report_error("fuzz", st.error());
    if (auto file = p->get("kcidb"))
        if (auto st = check_kcidb_target(*file); !st) return report_error("fuzz", st.error());
    const bool quiet = p->has("quiet");
    o->progress = [quiet](const std::string& line) {
        if (!quiet) std::fprintf(stderr, "%s\n", line.c_str());
    };
    // Loader coverage when the kernel has a KCOV build tree (fuzz kernels); else PCs only.
    std::shared_ptr<coverage::LoaderSiteSet> site_set;
    if (auto k = kernels::resolve_kernel(o->kernel, false); k && !k->build_tree.empty()) {
        if (auto sites = coverage::load_loader_sites(k->build_tree)) {
            site_set = std::make_shared<coverage::LoaderSiteSet>(*sites);
            o->loader_ceiling = site_set->size();
            o->is_loader_site = [site_set](uint64_t pc) { return site_set->contains(pc); };
        } else {
            o->progress("loader coverage unavailable: " + sites.error().message);
        }
    }
    o->interrupted = install_interrupt_flag();

    const std::string started = utc_now_iso();
    auto s = campaign::run_campaign(*o);
    if (!s) return report_error("fuzz", s.error());
    const std::string json = campaign::summary_json(*s);
    std::fputs(campaign::summary_table(*s).c_str(), stdout);
    if (auto w = write_file_atomic(o->out / "summary.json", json); !w) return report_error("fuzz", w.error());
    std::printf("summary: %s\n", (o->out / "summary.json").c_str());
    if (auto file = p->get("kcidb"))
        if (auto w = write_kcidb(*file, conformance::kcidb_from_fuzz_summary(nlohmann::json::parse(json), started)); !w)
            return report_error("fuzz", w.error());
    if (s->interrupted) return kExitInterrupted;
    if (s->storage_error) return kExitStorage;
    if (p->has("triage")) {
        if (!quiet) std::fprintf(stderr, "modharness fuzz: triaging %s\n", o->out.c_str());
        return cmd_triage(triage_args(*p, *o));
    }
    if (!s->new_titles.empty()) return kExitFindings;
    if (!s->stop_reason.empty()) return kExitEnvironment;
    return kExitOk;
}

}  // namespace mh::cli
