// `modharness fuzz merge OUT DIR...`: several campaigns' corpora minimised into one by libFuzzer's
// -merge=1 inside a fuzz VM, their crash indexes joined by culprit.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "harness/campaign/corpus_merge.h"
#include "harness/campaign/crash_union.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/replay_setup.h"
#include "harness/cli/reset_options.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/coverage/coverage_count.h"
#include "harness/coverage/coverage_map.h"
#include "harness/host/process.h"

namespace mh::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHelp =
    "usage: modharness fuzz merge OUT DIR... [--kernel NAME] [--no-measure] [--reset HOW] [--accel A]\n"
    "\n"
    "Minimises the corpora of several campaigns (DIR: a campaign directory, whose corpus/ is read,\n"
    "or a directory of inputs) into OUT/corpus: libFuzzer's own -merge=1 runs inside a fuzz VM on\n"
    "the kernel, so an input is kept only when it adds kernel features (KCOV edges on a fuzz\n"
    "kernel; errno and log-class features on a stock kernel) to the smaller inputs before it.\n"
    "An input that crashes the kernel during the merge is set aside (named in merge.json) and the\n"
    "merge runs again without it. Unless --no-measure, a second VM runs the kept inputs once and\n"
    "their kernel PCs are compared with the PCs of all inputs (coverage kept).\n"
    "\n"
    "The campaigns' crash groups are joined by culprit into OUT/crashes.json: a group triage\n"
    "attributed (culprit.json) joins the groups of the other campaigns with the same finding id, an\n"
    "untriaged one joins by title. OUT/merge.json has sizes before and after, the coverage, and\n"
    "libFuzzer's summary. OUT must not exist or be empty; `modharness fuzz --out OUT` then fuzzes\n"
    "on from the merged corpus.\n"
    "\n";

constexpr const char* kExitCodes =
    "\n"
    "exit codes: 0 merged, 2 usage, 3 environment (kernel, QEMU, busybox-static, the merge VM), 4 OUT could\n"
    "not be written, 130 interrupted\n";

std::vector<OptionSpec> merge_options() {
    std::vector<OptionSpec> specs = {
        {"kernel", "NAME", "the kernel (default: the campaigns' own, from their campaign.json; else fuzz-6.12)"},
        {"no-measure", "", "no second VM measuring the coverage the kept inputs keep"},
    };
    for (auto& o : replay_vm_options()) specs.push_back(std::move(o));
    specs.push_back({"help", "", ""});
    return specs;
}

// The kernel the campaigns ran on: one name, or an error naming the ones that differ.
Expected<std::string> campaigns_kernel(const std::vector<fs::path>& dirs) {
    std::string kernel, first;
    for (const auto& d : dirs) {
        const std::string k = campaign_kernel(d);
        if (k.empty()) continue;
        if (!kernel.empty() && k != kernel)
            return usage_error("the campaigns ran on different kernels (" + first + ": " + kernel + ", " + d.string() + ": " + k +
                               "): say which with --kernel");
        if (kernel.empty()) first = d.string();
        kernel = k;
    }
    return kernel.empty() ? std::string("fuzz-6.12") : kernel;
}

size_t bytes_of(const std::vector<campaign::CorpusFile>& files) {
    size_t n = 0;
    for (const auto& f : files) n += f.data.size();
    return n;
}

std::string mb(size_t bytes) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f MB", static_cast<double>(bytes) / 1e6);
    return b;
}

}  // namespace

int cmd_fuzz_merge(const Args& args) {
    const auto specs = merge_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("fuzz merge", usage_error(p.error().message + "\n(see modharness fuzz merge --help)"));
    if (p->has("help")) {
        std::fputs(kHelp, stdout);
        print_option_help(stdout, specs, 18);
        std::fputs(kExitCodes, stdout);
        return kExitOk;
    }
    if (p->positionals.size() < 2) return report_error("fuzz merge", usage_error("give OUT and at least one DIR (see --help)"));
    // The options before any input is read or VM started.
    if (auto reset = reset_choice(*p); !reset) return report_error("fuzz merge", reset.error());
    if (const auto accel = p->get_or("accel", "auto"); accel != "auto" && accel != "tcg" && accel != "kvm")
        return report_error("fuzz merge", usage_error("--accel must be auto, tcg or kvm (got '" + accel + "')"));
    const fs::path out = p->positionals[0];
    if (!absent_or_empty_dir(out)) return report_error("fuzz merge", usage_error(out.string() + " exists and is not an empty directory"));
    std::error_code ec;
    std::vector<fs::path> dirs;
    std::vector<campaign::CorpusFile> inputs;
    nlohmann::json from = nlohmann::json::array();
    for (size_t i = 1; i < p->positionals.size(); ++i) {
        const fs::path d = p->positionals[i];
        if (fs::equivalent(d, out, ec)) return report_error("fuzz merge", usage_error(d.string() + " is OUT itself"));
        auto files = campaign::read_corpus_dir(d);
        if (!files) return report_error("fuzz merge", files.error());
        from.push_back({{"dir", d.string()}, {"files", files->size()}, {"bytes", bytes_of(*files)}});
        dirs.push_back(d);
        inputs.insert(inputs.end(), std::make_move_iterator(files->begin()), std::make_move_iterator(files->end()));
    }
    const size_t input_count = inputs.size(), input_bytes = bytes_of(inputs);
    const size_t duplicates = campaign::drop_duplicate_inputs(inputs);
    if (inputs.empty()) return report_error("fuzz merge", usage_error("no inputs: the directories hold no corpus files"));
    auto union_entries = campaign::union_crashes(dirs);
    if (!union_entries) return report_error("fuzz merge", union_entries.error());

    std::string kernel_name = p->get_or("kernel", "");
    if (kernel_name.empty()) {
        auto k = campaigns_kernel(dirs);
        if (!k) return report_error("fuzz merge", k.error());
        kernel_name = *k;
    }
    const auto shell = host::find_program("busybox");
    if (!shell)
        return report_error("fuzz merge", environment_error("busybox not found: libFuzzer's merge needs a /bin/sh in the guest "
                                                            "(apt-get install busybox-static; scripts/setup.sh installs it)"));
    campaign::ReplayOptions ro;
    campaign::TriageOptions unused;
    if (auto st = replay_setup("fuzz-merge", kernel_name, *p, false, ro, unused); !st) return report_error("fuzz merge", st.error());
    std::fprintf(stderr, "modharness fuzz merge: %zu inputs (%s) from %zu directories, %zu duplicates dropped, on %s ...\n", input_count,
                 mb(input_bytes).c_str(), dirs.size(), duplicates, ro.kernel.release.c_str());
    auto m = campaign::merge_corpus(ro, *shell, inputs, !p->has("no-measure"));
    if (!std::getenv("MH_KEEP_WORK")) fs::remove_all(ro.work_dir, ec);
    if (ro.interrupted->load()) return kExitInterrupted;
    if (!m) return report_error("fuzz merge", m.error());

    // Loader sites (fuzz kernels with a build tree): how many of the loader's the PCs reach.
    std::optional<coverage::LoaderSiteSet> sites;
    if (!ro.kernel.build_tree.empty())
        if (auto s = coverage::load_loader_sites(ro.kernel.build_tree)) sites.emplace(*s);
    nlohmann::json cov = {{"pcs_all", m->pcs_all.size()}, {"pcs_kept", nullptr}, {"kept_measured", m->kept_measured}};
    if (m->kept_measured) cov["pcs_kept"] = m->pcs_kept.size();
    if (sites) {
        cov["loader_ceiling"] = sites->size();
        cov["loader_all"] = sites->count_reached(m->pcs_all);
        cov["loader_kept"] = m->kept_measured ? nlohmann::json(sites->count_reached(m->pcs_kept)) : nlohmann::json(nullptr);
    }
    nlohmann::json excluded = nlohmann::json::array();
    for (const auto& e : m->excluded) excluded.push_back({{"dir", e.file.from}, {"name", e.file.name}, {"title", e.title}});
    const nlohmann::json report = {
        {"schema", "modharness.merge/1"},
        {"kernel", kernel_name},
        {"release", ro.kernel.release},
        {"feedback", m->feedback},
        {"at", utc_now_iso()},
        {"inputs", {{"dirs", from}, {"files", input_count}, {"bytes", input_bytes}, {"duplicates", duplicates}}},
        {"merged", {{"files", m->kept.size()}, {"bytes", bytes_of(m->kept)}}},
        {"libfuzzer", m->summary},
        {"coverage", cov},
        {"excluded", excluded},
        {"vms", m->vms},
        {"vms_restored", m->vms_restored},
        {"seconds", m->seconds},
    };
    auto store = [&]() -> Status {
        std::error_code dir_ec;
        fs::create_directories(out / "corpus", dir_ec);
        if (dir_ec) return storage_error("cannot create " + (out / "corpus").string() + ": " + dir_ec.message());
        for (const auto& f : m->kept) MH_TRY(write_file_atomic(out / "corpus" / f.name, f.data));
        MH_TRY(write_file_atomic(out / "crashes.json", campaign::crash_union_json(*union_entries)));
        return write_file_atomic(out / "merge.json", report.dump(1) + "\n");
    };
    if (auto st = store(); !st) return report_error("fuzz merge", st.error());

    std::printf("merged: %zu -> %zu inputs, %s -> %s (%s feedback)\n", inputs.size(), m->kept.size(), mb(bytes_of(inputs)).c_str(),
                mb(bytes_of(m->kept)).c_str(), m->feedback.c_str());
    std::printf("libFuzzer: %s\n", m->summary.c_str());
    if (m->feedback != "kcov") {
        std::printf("kernel PCs: none (no KCOV on this kernel: the merge kept inputs by their black-box features)\n");
    } else if (m->kept_measured) {
        std::printf("kernel PCs, every input once: %zu; the kept inputs once: %zu (%.1f %%)", m->pcs_all.size(), m->pcs_kept.size(),
                    m->pcs_all.empty() ? 0.0 : 100.0 * static_cast<double>(m->pcs_kept.size()) / static_cast<double>(m->pcs_all.size()));
        if (sites)
            std::printf("; loader sites %zu -> %zu of %zu", sites->count_reached(m->pcs_all), sites->count_reached(m->pcs_kept),
                        sites->size());
        std::printf("\n");
    }
    for (const auto& e : m->excluded)
        std::printf("set aside (crashed the kernel in the merge): %s/%s: %s\n", e.file.from.c_str(), e.file.name.c_str(), e.title.c_str());
    size_t groups = 0;
    for (const auto& e : *union_entries) groups += e.members.size();
    std::printf("crash groups: %zu from %zu directories, %zu by culprit\n", groups, dirs.size(), union_entries->size());
    std::printf("merge VMs: %d in %.1f s, %d restored\n", m->vms, m->seconds, m->vms_restored);
    std::printf("wrote %s (%zu files), %s, %s\n", (out / "corpus").c_str(), m->kept.size(), (out / "merge.json").c_str(),
                (out / "crashes.json").c_str());
    return kExitOk;
}

}  // namespace mh::cli
