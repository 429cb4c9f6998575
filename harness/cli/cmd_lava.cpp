// `modharness lava-job` and `modharness lava-results`: the cases of case files as a LAVA job on
// the qemu device type, and that job's log judged as `modharness run` judges its VMs.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "conformance/case_file_run.h"
#include "conformance/suite.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/conformance_output.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/number_option.h"
#include "harness/common/files.h"
#include "harness/lava/lava_job.h"
#include "harness/lava/lava_log.h"
#include "harness/lava/lava_replay.h"
#include "harness/session/run_session.h"
#include "harness/vm/qemu_argv.h"

namespace mh::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManifest = "lava.json";
constexpr const char* kKernelFile = "vmlinuz";

constexpr const char* kJobHelp = R"(usage: modharness lava-job --out DIR [options] CASEFILE...

Writes a LAVA job that runs the cases of the case files on LAVA's qemu device type: the kernel
(DIR/vmlinuz) and a modharness initramfs (DIR/initrd.cpio) are deployed to tmpfs and booted once;
the executor prints its result frames and one line per case on the console
  mh-lava: case=<id> result=<pass|fail> errno=<n>
which the job's `monitors` test action turns into LAVA test cases (pass: the errno is one the
case file's expect= allows). The contract verdict (kernel reports, taint, log) is the host's:
give the job's log to `modharness lava-results`.

Files in DIR: job.yaml (submit it with lavacli, or run it with lava-run), device.yaml (a rendered
qemu device for lava-run on this host), vmlinuz, initrd.cpio, cases/ and lava.json (what
lava-results needs). scripts/lava-local.sh runs the job here with lava-run and compares it with
`modharness run`.

options:
)";

constexpr const char* kResultsHelp = R"(usage: modharness lava-results [options] JOBDIR LOG

Judges the cases of a `modharness lava-job` JOBDIR from the LAVA job's log LOG (lava-run's
stderr, or the job's output.yaml from the server, e.g. `lavacli jobs logs --raw ID`): the
console is replayed through the same batch runner as `modharness run`, so the records are the
ones a direct run writes. Cases after a kernel event were not run in the job's single boot and
are reported as such (no-boot). Writes OUT/cases/results.jsonl, OUT/conformance.json,
OUT/junit.xml, OUT/report.html and OUT/summary.txt, and lava-cases.json (LAVA's own test cases
beside our verdicts).

options:
)";

std::vector<OptionSpec> job_options() {
    return {
        {"kernel", "K", "kernel as for run (default debian-6.1-cloud)"},
        {"build-tree", "DIR", "kernel build tree for seed module builds (with a bzImage path)"},
        {"no-fetch", "", "never download a kernel; fail if it is not cached"},
        {"memory", "MB", "guest memory, 128..65536 (default 1024)"},
        {"cmdline", "WORD", "extra guest kernel command-line word (repeatable)", kRepeatable},
        {"out", "DIR", "the job directory (required; must be empty or absent)"},
        {"url-base", "URL", "where the lab downloads DIR's files from (default file://DIR, for lava-run here)"},
        {"tsc-khz", "N|host",
         "tsc_early_khz= for the guest (TCG boots on a busy host hang without it; give the\n"
         "lab host's TSC rate, or 'host' for this machine's; default: none)"},
        {"no-kvm", "", "context no_kvm: the device runs TCG (and device.yaml has no -enable-kvm)"},
        {"qemu", "PATH", "the QEMU command device.yaml runs (default qemu-system-x86_64)"},
        {"test-minutes", "N", "the test action's timeout, 1..600 (default 10)"},
        {"help", "", ""},
    };
}

std::vector<OptionSpec> results_options() {
    return {
        {"out", "DIR", "output directory (default JOBDIR/results)"},
        {"no-fetch", "", "never download the job's kernel; fail if it is not cached"},
        {"quiet", "", "no progress lines"},
        {"help", "", ""},
    };
}

// Copies the case files into DIR/cases (numbered, so two files of one name stay apart).
Expected<std::vector<std::string>> copy_case_files(const std::vector<std::string>& files, const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::create_directories(dir / "cases", ec);
    if (ec) return storage_error("cannot create " + (dir / "cases").string() + ": " + ec.message());
    for (size_t i = 0; i < files.size(); ++i) {
        auto text = read_text_file(files[i]);
        if (!text) return usage_error("cannot read " + files[i]);
        const std::string name = std::to_string(i + 1) + "-" + fs::path(files[i]).filename().string();
        if (auto w = write_file_atomic(dir / "cases" / name, *text); !w) return w.error();
        names.push_back("cases/" + name);
    }
    return names;
}

}  // namespace

int cmd_lava_job(const Args& args) {
    const auto specs = job_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("lava-job", p.error());
    if (p->has("help")) {
        std::fputs(kJobHelp, stdout);
        print_option_help(stdout, specs);
        std::puts("\nexit codes: 0 written, 2 usage or bad case file, 3 environment (kernel, seeds), 4 DIR not writable");
        return kExitOk;
    }
    if (p->positionals.empty()) return report_error("lava-job", usage_error("no case file given (see modharness lava-job --help)"));
    if (!p->has("out")) return report_error("lava-job", usage_error("--out DIR is required"));
    const fs::path out = fs::absolute(*p->get("out"));
    if (!absent_or_empty_dir(out)) return report_error("lava-job", usage_error("--out " + out.string() + " is not empty"));
    session::SessionOptions opts;
    opts.kernel = p->get_or("kernel", opts.kernel);
    opts.build_tree = p->get_or("build-tree", "");
    opts.fetch = !p->has("no-fetch");
    opts.guest_cmdline_extra = p->all("cmdline");
    opts.out_dir = out;
    opts.reset = session::Reset::Boot;
    auto memory = number_option(*p, "memory", opts.memory_mb, 128, 65536);
    if (!memory) return report_error("lava-job", memory.error());
    opts.memory_mb = *memory;
    auto minutes = number_option(*p, "test-minutes", 10, 1, 600);
    if (!minutes) return report_error("lava-job", minutes.error());
    std::optional<long> tsc;
    if (auto t = p->get("tsc-khz")) {
        if (*t == "host")
            tsc = vm::host_tsc_khz();
        else if (auto n = protocol::parse_u64(*t); n && *n >= 1000 && *n <= 100000000)
            tsc = static_cast<long>(*n);
        if (!tsc) return report_error("lava-job", usage_error("--tsc-khz must be 'host' or a rate in kHz (got '" + *t + "')"));
    }

    std::vector<fs::path> files(p->positionals.begin(), p->positionals.end());
    auto cases = conformance::load_case_files(files);
    if (!cases) return report_error("lava-job", cases.error());
    for (auto& hc : *cases) {
        // The LAVA line's pass/fail: the case file's expect=, or any result when it has none.
        const bool any = !hc.expect || std::find(hc.expect->begin(), hc.expect->end(), session::kAnyResult) != hc.expect->end();
        hc.guest.console_expect_any = any;
        if (!any) hc.guest.console_expect = *hc.expect;
    }
    opts.interrupted = install_interrupt_flag();
    opts.on_progress = [](const std::string& s) { std::fprintf(stderr, "modharness: %s\n", s.c_str()); };
    auto prep = session::prepare_session(std::move(*cases), opts);
    if (!prep) return report_error("lava-job", prep.error());
    std::error_code ec;
    fs::copy_file(prep->kernel.bzimage, out / kKernelFile, fs::copy_options::overwrite_existing, ec);
    if (ec) return report_error("lava-job", storage_error("cannot copy the kernel into " + out.string() + ": " + ec.message()));
    auto copied = copy_case_files(p->positionals, out);
    if (!copied) return report_error("lava-job", copied.error());

    vm::GuestCmdline cl;
    cl.token = prep->batch.token;
    cl.tsc_khz = tsc;
    cl.extra = opts.guest_cmdline_extra;
    cl.extra.push_back("modharness.results=console");
    lava::JobSpec spec;
    spec.job_name = "modharness " + prep->kernel.release + " " + std::to_string(prep->batch.cases.size()) + " cases";
    std::string base = p->get_or("url-base", "file://" + out.string());
    while (!base.empty() && base.back() == '/') base.pop_back();
    spec.kernel_url = base + "/" + kKernelFile;
    spec.ramdisk_url = base + "/" + prep->batch.initrd.filename().string();
    spec.kernel_cmdline = vm::guest_cmdline(cl);
    spec.memory_mb = opts.memory_mb;
    spec.no_kvm = p->has("no-kvm");
    spec.test_minutes = *minutes;
    const nlohmann::json manifest = {{"schema", "modharness.lava-job/1"},    {"kernel", opts.kernel},
                                     {"release", prep->kernel.release},      {"case_files", *copied},
                                     {"cmdline", opts.guest_cmdline_extra},  {"cases", prep->batch.cases.size()},
                                     {"kernel_cmdline", spec.kernel_cmdline}};
    for (const auto& [name, text] : {std::pair<const char*, std::string>{"job.yaml", lava::job_yaml(spec)},
                                     {"device.yaml", lava::local_qemu_device_yaml(spec, p->get_or("qemu", "qemu-system-x86_64"))},
                                     {kManifest, manifest.dump(1) + "\n"}})
        if (auto w = write_file_atomic(out / name, text); !w) return report_error("lava-job", w.error());
    std::printf("LAVA job for %zu cases on %s: %s/job.yaml\n", prep->batch.cases.size(), prep->kernel.release.c_str(), out.c_str());
    std::printf("run it here: lava-run --job-id 1 --output-dir %s/lava --device %s/device.yaml %s/job.yaml 2> %s/output.yaml\n",
                out.c_str(), out.c_str(), out.c_str(), out.c_str());
    std::printf("then:        modharness lava-results %s %s/output.yaml\n", out.c_str(), out.c_str());
    return kExitOk;
}

int cmd_lava_results(const Args& args) {
    const auto specs = results_options();
    auto p = parse_args(args, specs);
    if (!p) return report_error("lava-results", p.error());
    if (p->has("help")) {
        std::fputs(kResultsHelp, stdout);
        print_option_help(stdout, specs);
        std::puts(
            "\nexit codes: 0 all PASS/RAN, 1 any FAIL/BROK/KERNEL (or not run), 2 usage (not a job dir, unreadable log),\n3 environment, 4 OUT not writable");
        return kExitOk;
    }
    if (p->positionals.size() != 2) return report_error("lava-results", usage_error("give JOBDIR and LOG (see --help)"));
    const fs::path job_dir = p->positionals[0];
    auto manifest_text = read_text_file(job_dir / kManifest);
    if (!manifest_text) return report_error("lava-results", usage_error(job_dir.string() + ": not a lava-job directory (no lava.json)"));
    const auto manifest = nlohmann::json::parse(*manifest_text, nullptr, false);
    if (manifest.is_discarded() || manifest.value("schema", "") != "modharness.lava-job/1" || !manifest.contains("case_files"))
        return report_error("lava-results", usage_error((job_dir / kManifest).string() + ": not a modharness.lava-job/1 manifest"));
    auto log_text = read_text_file(p->positionals[1]);
    if (!log_text) return report_error("lava-results", usage_error("cannot read the job log " + p->positionals[1]));
    const auto log = lava::parse_job_log(*log_text);
    if (log.records == 0) return report_error("lava-results", usage_error(p->positionals[1] + ": no LAVA log records in it"));

    session::SessionOptions opts;
    opts.kernel = manifest.value("kernel", opts.kernel);
    opts.fetch = !p->has("no-fetch");
    for (const auto& w : manifest.value("cmdline", nlohmann::json::array())) opts.guest_cmdline_extra.push_back(w.get<std::string>());
    opts.out_dir = p->get_or("out", (job_dir / "results").string());
    opts.reset = session::Reset::Boot;
    opts.accel = "tcg";  // nothing boots: the job's console is replayed
    opts.min_free_bytes = 0;
    opts.monitor = lava::replay_monitor(log.console);
    opts.interrupted = install_interrupt_flag();
    if (!p->has("quiet")) opts.on_progress = [](const std::string& s) { std::fprintf(stderr, "modharness: %s\n", s.c_str()); };
    std::vector<fs::path> files;
    for (const auto& f : manifest["case_files"]) files.push_back(job_dir / f.get<std::string>());
    auto run = conformance::run_case_files(files, opts);
    if (!run) return report_error("lava-results", run.error());
    auto summary = write_conformance_reports(*run, opts.out_dir, conformance::default_conformance_dir());
    if (!summary) return report_error("lava-results", summary.error());

    // LAVA's own test cases (the monitor's) beside our verdicts.
    std::map<std::string, std::string> verdict_of;
    for (const auto& r : (*run)["cases"]) verdict_of[r.value("id", "")] = r.value("verdict", "");
    nlohmann::json cases = nlohmann::json::array();
    size_t lava_pass = 0, lava_fail = 0;
    for (const auto& tc : log.results) {
        if (tc.definition != lava::kMonitorName) continue;
        (tc.result == "pass" ? lava_pass : lava_fail)++;
        cases.push_back({{"case", tc.name}, {"lava_result", tc.result}, {"errno", tc.measurement}, {"verdict", verdict_of[tc.name]}});
    }
    const nlohmann::json lava_cases = {{"schema", "modharness.lava-cases/1"},
                                       {"log_records", log.records},
                                       {"log_bad_lines", log.bad_lines},
                                       {"lava_errors", log.errors},
                                       {"cases", cases}};
    if (auto w = write_file_atomic(fs::path(opts.out_dir) / "lava-cases.json", lava_cases.dump(1) + "\n"); !w)
        return report_error("lava-results", w.error());
    std::fputs(summary->c_str(), stdout);
    std::printf("LAVA test cases (monitor %s): %zu pass, %zu fail; %zu cases in the case files\n", lava::kMonitorName, lava_pass, lava_fail,
                verdict_of.size());
    for (const auto& e : log.errors) std::printf("LAVA error: %s\n", e.c_str());
    std::printf("reports: %s/{conformance.json,junit.xml,report.html,summary.txt,lava-cases.json}\n", opts.out_dir.c_str());
    return has_findings(*run) ? kExitFindings : kExitOk;
}

}  // namespace mh::cli
