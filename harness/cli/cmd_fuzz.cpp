// `modharness fuzz`: a time-boxed, resumable fuzzing campaign against a kernel's module loader.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/campaign/campaign.h"
#include "harness/coverage/coverage_count.h"
#include "harness/coverage/coverage_map.h"
#include "harness/mutate/mutator.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::cli {
namespace {

constexpr const char* kHelp =
    "usage: modharness fuzz --out DIR [--kernel NAME] [--engine E] [--duration D] [--jobs N] [options]\n"
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
    "\n";

constexpr const char* kHelpTail =
    "\n"
    "Scale-out: run one campaign per machine with its own --out, then merge corpora with the\n"
    "engine's own tools (see docs/fuzzing.md).\n"
    "\n"
    "exit codes: 0 no new crash, 1 new crash title(s), 2 usage (or --out in use by another run), 3 environment (kernel, QEMU, guest\n"
    "fuzzer missing), 4 results could not be stored, 130 interrupted (state kept: rerun to continue)\n";

std::vector<OptionSpec> fuzz_options() {
    return {
        {"out", "DIR", "the campaign directory (required); the same DIR again continues the campaign"},
        {"kernel", "NAME", "kernel to fuzz (default fuzz-6.12)"},
        {"engine", "E",
         "libfuzzer (structure-aware: catalogue, field, byte and call mutations;\n"
         "default), libfuzzer-bytes (libFuzzer's own byte mutation), random (fresh\n"
         "random ET_EXEC-style images: the syscall-fuzzer baseline), aflpp"},
        {"duration", "D", "wall time, e.g. 90s, 30m, 2h (default 10m)"},
        {"jobs", "N", "VMs in parallel, each its own engine instance (default 1)"},
        {"seeds", "A,B",
         "seed modules (corpus/modules; default ok,params,sentinel,consumer,\n"
         "provider). The structure-aware engines also start with the dictionary\n"
         "stage: every catalogue row, .modinfo entry, section name and parameter\n"
         "word applied once to the first seed (.modinfo entries to the others)"},
        {"seed-file", "F", "extra starting input (repeatable): an encoded input or a raw .ko", kRepeatable},
        {"known-crashes", "F", "crash titles (one per line) that do not count as new"},
        {"accel", "A", "auto (default), tcg, kvm"},
        {"memory", "MB", "guest memory (default 1024)"},
        {"max-len", "N", "largest input (default 1.5 x the largest seed)"},
        {"weights", "W",
         "mutation mix of the structure-aware engines, e.g. call=80,catalogue=10\n"
         "(step kinds catalogue, field, bytes, call; default 30,30,25,15)"},
        {"rng-seed", "N", "for reproducible engine seeds"},
        {"quiet", "", "no progress lines"},
        {"help", "", ""},
    };
}

double parse_duration(const std::string& s) {
    if (s.empty()) return -1;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    const std::string unit = end ? end : "";
    if (unit.empty() || unit == "s") return v;
    if (unit == "m" || unit == "min") return v * 60;
    if (unit == "h") return v * 3600;
    return -1;
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

}  // namespace

int cmd_fuzz(const Args& args) {
    const auto specs = fuzz_options();
    auto p = parse_args(args, specs);
    if (!p) {
        std::fprintf(stderr, "modharness fuzz: %s\n(see modharness fuzz --help)\n", p.error().message.c_str());
        return kExitUsage;
    }
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 21);
        std::fputs(kHelpTail, stdout);
        return kExitOk;
    }
    campaign::CampaignOptions o;
    o.kernel = p->get_or("kernel", "fuzz-6.12");
    o.engine = p->get_or("engine", "libfuzzer");
    o.out = p->get_or("out", "");
    o.duration_s = parse_duration(p->get_or("duration", "10m"));
    o.jobs = std::atoi(p->get_or("jobs", "1").c_str());
    o.accel = p->get_or("accel", "auto");
    o.memory_mb = std::atoi(p->get_or("memory", "1024").c_str());
    o.max_len = std::strtoull(p->get_or("max-len", "0").c_str(), nullptr, 10);
    o.rng_seed = std::strtoull(p->get_or("rng-seed", "0").c_str(), nullptr, 10);
    if (auto s = p->get("seeds")) o.seeds = split_commas(*s);
    o.weights = p->get_or("weights", "");
    if (!o.weights.empty()) {
        if (auto w = mutate::parse_weights(o.weights); !w) {
            std::fprintf(stderr, "modharness fuzz: --%s\n", w.error().message.c_str());
            return kExitUsage;
        }
    }
    for (const auto& f : p->all("seed-file")) o.seed_files.push_back(f);
    if (o.out.empty()) {
        std::fprintf(stderr, "modharness fuzz: --out DIR is required (campaign state, corpus and crashes go there)\n");
        return kExitUsage;
    }
    if (o.duration_s <= 0) {
        std::fprintf(stderr, "modharness fuzz: --duration '%s': use e.g. 90s, 30m, 2h\n", p->get_or("duration", "").c_str());
        return kExitUsage;
    }
    if (o.jobs < 1 || o.jobs > 64 || o.memory_mb < 256) {
        std::fprintf(stderr, "modharness fuzz: --jobs must be 1..64 and --memory at least 256\n");
        return kExitUsage;
    }
    bool known_engine = false;
    for (const auto& e : campaign::engine_names()) known_engine |= e == o.engine;
    if (!known_engine) {
        std::fprintf(stderr, "modharness fuzz: unknown --engine '%s' (libfuzzer, libfuzzer-bytes, random, aflpp)\n", o.engine.c_str());
        return kExitUsage;
    }
    if (auto f = p->get("known-crashes")) {
        auto text = read_text_file(*f);
        if (!text) {
            std::fprintf(stderr, "modharness fuzz: --known-crashes: %s\n", text.error().message.c_str());
            return kExitUsage;
        }
        for (auto [line, number] : lines(*text))
            if (!line.empty() && line[0] != '#') o.known_titles.emplace_back(line);
    }
    const bool quiet = p->has("quiet");
    o.progress = [quiet](const std::string& line) {
        if (!quiet) std::fprintf(stderr, "%s\n", line.c_str());
    };
    // Loader coverage when the kernel has a KCOV build tree (fuzz kernels); else PCs only.
    std::shared_ptr<coverage::LoaderSiteSet> site_set;
    if (auto k = kernels::resolve_kernel(o.kernel, false); k && !k->build_tree.empty()) {
        if (auto sites = coverage::load_loader_sites(k->build_tree)) {
            site_set = std::make_shared<coverage::LoaderSiteSet>(*sites);
            o.loader_ceiling = site_set->size();
            o.is_loader_site = [site_set](uint64_t pc) { return site_set->contains(pc); };
        } else {
            o.progress("loader coverage unavailable: " + sites.error().message);
        }
    }
    o.interrupted = install_interrupt_flag();

    auto s = campaign::run_campaign(o);
    // A classified error (usage, storage, interrupted...) gets its own exit code.
    if (!s && s.error().kind != ErrorKind::kInput) return report_error("fuzz", s.error());
    if (!s) {
        std::fprintf(stderr, "modharness fuzz: %s\n", s.error().message.c_str());
        return kExitEnvironment;
    }
    const std::string json = campaign::summary_json(*s);
    std::fputs(campaign::summary_table(*s).c_str(), stdout);
    if (auto w = write_file_atomic(o.out / "summary.json", json); !w) return report_error("fuzz", w.error());
    std::printf("summary: %s\n", (o.out / "summary.json").c_str());
    if (s->interrupted) return kExitInterrupted;
    if (s->storage_error) return kExitStorage;
    if (!s->new_titles.empty()) return kExitFindings;
    if (!s->stop_reason.empty()) return kExitEnvironment;
    return kExitOk;
}

}  // namespace mh::cli
