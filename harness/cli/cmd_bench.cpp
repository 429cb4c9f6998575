// `modharness bench`: boots the in-guest load-latency benchmark (bench/guest) on one or two kernels,
// collects its Google Benchmark JSON and writes the fd-vs-buffer report (bench/report).
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"

#if MH_HAVE_BENCH
#include <lzma.h>

#include "bench/report/bench_report.h"
#include "bench/report/chunks.h"
#include "harness/cli/interrupt.h"
#include "harness/elf/compression.h"
#include "harness/elf/malform/malformation.h"
#include "harness/session/accel_probe.h"
#include "harness/session/batch_builder.h"
#include "harness/vm/cpio.h"
#include "harness/vm/guest_program.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/host/process.h"
#include "harness/session/run_session.h"
#include "harness/kernels/seed_modules.h"
#include "harness/protocol/frame_types.h"
#endif

namespace mh::cli {

#if !MH_HAVE_BENCH
int cmd_bench(const Args&) {
    std::fprintf(stderr, "modharness bench: this build has no benchmarks (configured with -DMH_BENCH=OFF)\n");
    return kExitEnvironment;
}
#else
namespace {

namespace fs = std::filesystem;

constexpr const char* kBenchHelp = R"(usage: modharness bench [options]

Measures module load latency inside a disposable QEMU VM: init_module from a buffer, from an mmap,
after read(); finit_module with a warm and a cold page cache; xz via finit(MODULE_INIT_COMPRESSED_FILE)
vs liblzma + init_module; delete_module; the latency of each early rejection class. Module files live
on an ext4 image on a brd RAM disk in the guest so that "cold" really drops their page cache.
Writes report.md (tables, ratios with 95 % CIs, cost models vs memcpy), summary.json and SVG plots.

options:
  --kernel K          kernel (default debian-6.1-cloud)
  --compare K2        also run kernel K2; the report shows both
  --sizes LIST        module payload sizes (default 8k,64k,512k,4m,16m,64m)
  --repeat N          VM runs per kernel (default 1; 2+ gives the run-to-run spread of the ratios)
  --reps N            samples per path for sizes below --large-from (default 21)
  --reps-large N      samples per path from --large-from up (default 15)
  --large-from SIZE   (default 4m)
  --reject-reps N     samples per rejection class (default 60)
  --xz-max SIZE       largest size also measured xz-compressed (default 4m; 0 = none)
  --calib-bytes SIZE  memcpy calibration buffer (default 64m)
  --quick             smoke test: sizes 8k,64k, 3 samples, 5 rejection samples, xz at 8k
  --accel A           auto | tcg | kvm (default auto)
  --memory MB         guest memory (default 2048)
  --out DIR           report directory (default bench/results/<kernel>[+<K2>]-<accel>-<UTC date>)
  --no-fetch          never download a kernel
  --no-interleave     run benchmarks one after another instead of randomly interleaved repetitions
  --keep-work         keep the initramfs, the module store and the raw result frames
  --rerender DIR      only rewrite the report in DIR from its saved raw data (no VM)

exit codes: 0 ok, 1 a run failed to produce results, 2 usage, 3 environment, 130 interrupted
)";

std::string utc_stamp(const char* format) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Status write_text(const fs::path& p, const std::string& data) {
    std::ofstream o(p, std::ios::binary);
    o << data;
    if (!o) return make_error("cannot write " + p.string());
    return ok_status();
}

std::string host_notes() {
    std::string cpu;
    std::istringstream in(slurp("/proc/cpuinfo"));
    std::string line;
    int cpus = 0;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0 && cpu.empty()) cpu = line.substr(line.find(':') + 2);
        if (line.rfind("processor", 0) == 0) ++cpus;
    }
    std::string load = slurp("/proc/loadavg");
    while (!load.empty() && load.back() == '\n') load.pop_back();
    return cpu + ", " + std::to_string(cpus) + " CPUs; loadavg " + load;
}

struct Plan {
    std::vector<std::string> sizes{"8k", "64k", "512k", "4m", "16m", "64m"};
    int repeat = 1, reps = 21, reps_large = 15, reject_reps = 60, calib_reps = 9;
    uint64_t large_from = 4u << 20, xz_max = 4u << 20, calib_bytes = 64u << 20;
    int memory_mb = 2048;
    bool interleave = true;
};

// xz exactly as Kbuild's modules_install writes .ko.xz (scripts/Makefile.modinst:
// `xz --check=crc32 --lzma2=dict=1MiB`): the dictionary size sets what both decoders allocate, so
// the generic preset-6 (8 MiB dictionary) would misstate the fixed cost of both xz paths.
Expected<std::string> kbuild_xz(const std::vector<uint8_t>& raw) {
    lzma_options_lzma opt{};
    if (lzma_lzma_preset(&opt, 6)) return make_error("lzma preset");
    opt.dict_size = 1u << 20;
    lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &opt}, {LZMA_VLI_UNKNOWN, nullptr}};
    std::string out(lzma_stream_buffer_bound(raw.size()), '\0');
    size_t pos = 0;
    lzma_ret r = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, nullptr, raw.data(), raw.size(),
                                           reinterpret_cast<uint8_t*>(out.data()), &pos, out.size());
    if (r != LZMA_OK) return make_error("xz encoding failed (" + std::to_string(static_cast<int>(r)) + ")");
    out.resize(pos);
    return out;
}

std::string label_of(const std::string& size) {
    std::string l = size;
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
}

// Everything one kernel's VM needs: inputs on an ext4 image, brd, the bench binary, the manifest.
Expected<fs::path> prepare_initrd(const kernels::Kernel& k, const Plan& plan, const fs::path& work, const std::string& token,
                                  std::vector<std::string>& notes) {
    std::error_code ec;
    fs::remove_all(work / "store", ec);
    fs::create_directories(work / "store", ec);
    std::vector<std::string> seed_names;
    for (const auto& s : plan.sizes) {
        auto b = kernels::parse_size(s);
        if (!b) return make_error("--sizes: " + b.error().message);
        seed_names.push_back(kernels::big_seed_name(*b));
    }
    std::fprintf(stderr, "modharness bench: building seed modules for %s ...\n", k.release.c_str());
    auto seeds = kernels::build_seed_modules(k, seed_names, false);
    if (!seeds) return seeds.error();

    std::ostringstream conf;
    auto line = [&](KvRecord r) { conf << kv_format(r) << "\n"; };
    KvRecord store = protocol::make_record(protocol::FrameType::Store);
    store.set("brd", "/mh/brd.ko");
    store.set("image", "/mh/store.ext4");
    store.set("mount", "/store");
    line(store);

    std::string smallest_path, smallest_name, largest_path;
    uint64_t smallest = UINT64_MAX, largest = 0;
    for (size_t i = 0; i < plan.sizes.size(); ++i) {
        auto payload = *kernels::parse_size(plan.sizes[i]);
        auto spec = kernels::parse_seed_name(seed_names[i]);
        if (!spec) return spec.error();
        const auto& ko = seeds->modules.at(seed_names[i]);
        std::string label = label_of(plan.sizes[i]);
        std::string file = "big_" + label + ".ko";
        fs::copy_file(ko, work / "store" / file, fs::copy_options::overwrite_existing, ec);
        if (ec) return make_error("copy " + ko.string() + ": " + ec.message());
        auto bytes = fs::file_size(ko);
        KvRecord m = protocol::make_record(protocol::FrameType::Module);
        m.set("bytes", std::to_string(bytes));
        m.set("label", label);
        m.set("name", spec->module);
        m.set("path", "/store/" + file);
        if (payload <= plan.xz_max) {
            auto raw = elf::read_file(ko.string());
            if (!raw) return raw.error();
            auto xz = kbuild_xz(*raw);
            if (!xz) return xz.error();
            std::string xzfile = file + ".xz";
            if (auto s = write_text(work / "store" / xzfile, *xz); !s) return s.error();
            m.set("xz", "/store/" + xzfile);
        }
        m.set("reps", std::to_string(payload >= plan.large_from ? plan.reps_large : plan.reps));
        line(m);
        if (bytes < smallest) {
            smallest = bytes;
            smallest_path = "/store/" + file;
            smallest_name = spec->module;
        }
        if (bytes > largest) {
            largest = bytes;
            largest_path = "/store/" + file;
        }
    }

    // Rejection inputs: the smallest module broken by catalogue malformations, one per early check.
    auto base = elf::read_file((work / "store" / fs::path(smallest_path).filename()).string());
    if (!base) return base.error();
    struct RejectInput {
        const char* klass;
        const char* malformation;
    };
    const RejectInput inputs[] = {{"elf-header", "ehdr-bad-magic"},
                                  {"section-table", "shdr0-nonzero-type"},
                                  {"signature", "sig-len-too-large"},
                                  {"vermagic", "vermagic-flags-changed"}};
    auto reject = [&](const std::string& klass, const std::string& call, const std::string& path, unsigned long flags) {
        KvRecord r = protocol::make_record(protocol::FrameType::Reject);
        r.set("class", klass);
        r.set("call", call);
        if (!path.empty()) r.set("path", path);
        r.set("name", smallest_name);
        if (flags) r.set("flags", std::to_string(flags));
        r.set("reps", std::to_string(plan.reject_reps));
        line(r);
    };
    reject("bad-flags", "finit", smallest_path, 0x100);
    reject("bad-fd", "finit", "", 0);
    for (const auto& ri : inputs) {
        auto bad = elf::apply_malformation(ri.malformation, *base, 1);
        if (!bad) {
            notes.push_back(std::string("rejection input ") + ri.klass + " not made: " + bad.error().message);
            continue;
        }
        std::string file = std::string("reject-") + ri.klass + ".ko";
        if (auto s = write_text(work / "store" / file, std::string(bad->begin(), bad->end())); !s) return s.error();
        reject(ri.klass, "init", "/store/" + file, 0);
        reject(ri.klass, "finit", "/store/" + file, 0);
    }
    KvRecord settings = protocol::make_record(protocol::FrameType::Settings);
    settings.set("calib_reps", std::to_string(plan.calib_reps));
    settings.set("calib_bytes", std::to_string(plan.calib_bytes));
    settings.set("calib_file", largest_path);
    settings.set("skew_sleep", "2");
    settings.set("interleave", plan.interleave ? "1" : "0");
    line(settings);

    // The ext4 image (mke2fs -d copies the directory in; no journal: the store is read-only).
    uint64_t total = 0;
    for (auto& e : fs::directory_iterator(work / "store")) total += fs::file_size(e.path());
    uint64_t image_kib = total / 1024 * 11 / 10 + 8192;
    fs::path image = work / "store.ext4";
    fs::remove(image, ec);
    host::ProcessOptions po;
    po.timeout = std::chrono::milliseconds(300000);
    po.merge_stderr = true;
    auto mk = host::run_process({"mke2fs", "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-b", "4096", "-m", "0", "-d",
                               (work / "store").string(), image.string(), std::to_string(image_kib) + "k"},
                              po);
    if (!mk) return make_error("mke2fs: " + mk.error().message + " (install e2fsprogs)");
    if (!mk->success()) return make_error("mke2fs: " + mk->status_text() + ": " + host::tail_lines(mk->out, 5));

    // brd from the kernel's own modules (Debian 6.12 ships .ko.xz: decompressed here).
    fs::path brd;
    if (!k.modules_dir.empty())
        for (auto& e : fs::recursive_directory_iterator(k.modules_dir, ec))
            if (e.path().filename().string().rfind("brd.ko", 0) == 0) brd = e.path();
    if (brd.empty()) return make_error("no brd.ko under " + k.modules_dir.string() + " (the cold path needs the RAM disk driver)");
    auto brd_bytes = elf::load_module_file(brd.string());
    if (!brd_bytes) return brd_bytes.error();

    auto binary = std::getenv("MH_GUEST_BENCH") ? fs::path(std::getenv("MH_GUEST_BENCH")) : fs::path(MH_GUEST_BENCH_BUILD_PATH);
    vm::CpioWriter cpio;
    for (const char* d : {"mh", "proc", "sys", "dev", "tmp", "store"}) cpio.add_directory(d);
    if (auto s = vm::add_dynamic_program(cpio, binary, "init"); !s) return s.error();
    cpio.add_file("mh/token", token + "\n");
    cpio.add_file("mh/bench.conf", conf.str());
    cpio.add_file("mh/brd.ko", std::string(brd_bytes->begin(), brd_bytes->end()));
    cpio.add_file("mh/store.ext4", slurp(image));
    fs::remove(image, ec);
    if (auto s = write_text(work / "bench.conf", conf.str()); !s) return s.error();
    // Uncompressed: the store is incompressible by design and gzip would only cost boot time.
    fs::path initrd = work / "initrd.cpio";
    if (auto s = write_text(initrd, cpio.finish()); !s) return s.error();
    return initrd;
}

bench::GuestRun collect(const vm::GuestProgramResult& r, const fs::path& dir, int run_index, std::string& error) {
    bench::GuestRun run;
    bench::ChunkAssembler chunks;
    std::map<std::string, double> skew_begin;
    for (const auto& f : r.frames) {
        const auto type = protocol::frame_type(f.record);
        if (type == protocol::FrameType::Chunk) chunks.feed(f.record);
        else if (type == protocol::FrameType::Note) run.notes.push_back(f.record.get_or("key", "") + ": " + f.record.get_or("text", ""));
        else if (type == protocol::FrameType::Error) error = f.record.get_or("message", "guest error");
        else if (type == protocol::FrameType::Skew) {
            std::string phase = f.record.get_or("phase", "");
            if (phase.size() > 6 && phase.substr(phase.size() - 6) == "-begin") skew_begin[phase.substr(0, phase.size() - 6)] = f.host_seconds;
            else if (phase.size() > 4 && phase.substr(phase.size() - 4) == "-end") {
                std::string p = phase.substr(0, phase.size() - 4);
                double guest = std::strtod(f.record.get_or("guest_ns", "0").c_str(), nullptr) / 1e9;
                if (skew_begin.count(p) && guest > 0) {
                    double ratio = (f.host_seconds - skew_begin[p]) / guest;
                    (p == "start" ? run.skew_start : run.skew_end) = ratio;
                }
            }
        }
    }
    run.wall_seconds = r.wall_seconds;
    auto json = chunks.text("gbench");
    if (!json) {
        if (error.empty()) error = "no complete benchmark JSON (" + std::to_string(chunks.missing("gbench").size()) + " chunks missing; VM " +
                                   (r.vm_event.empty() ? r.exit_status : r.vm_event) + ")";
        return run;
    }
    // Raw data for --rerender; gzip: the JSON of one VM is ~0.9 MB and compresses ~10x.
    (void)write_text(dir / ("gbench-run" + std::to_string(run_index) + ".json.gz"), vm::gzip_compress(*json, 9));
    auto series = bench::parse_gbench_json(*json);
    if (!series) {
        error = series.error().message;
        return run;
    }
    run.series = std::move(*series);
    return run;
}

}  // namespace

int cmd_bench(const Args& args) {
    std::vector<OptionSpec> specs = {{"kernel", true},      {"compare", true},     {"sizes", true},      {"repeat", true},
                                     {"reps", true},        {"reps-large", true},  {"large-from", true}, {"reject-reps", true},
                                     {"xz-max", true},      {"calib-bytes", true}, {"quick", false},     {"accel", true},
                                     {"memory", true},      {"out", true},         {"no-fetch", false},  {"no-interleave", false},
                                     {"rerender", true},    {"keep-work", false}, {"help", false}};
    auto p = parse_args(args, specs);
    if (!p) {
        std::fprintf(stderr, "modharness bench: %s\n", p.error().message.c_str());
        return kExitUsage;
    }
    if (p->has("help")) {
        std::fputs(kBenchHelp, stdout);
        return kExitOk;
    }
    if (auto dir = p->get("rerender")) {
        auto input = bench::load_report_input(*dir);
        if (!input) {
            std::fprintf(stderr, "modharness bench: %s\n", input.error().message.c_str());
            return kExitUsage;
        }
        if (auto s = bench::write_report(*input, *dir); !s) {
            std::fprintf(stderr, "modharness bench: %s\n", s.error().message.c_str());
            return kExitEnvironment;
        }
        std::printf("%s\n", (fs::path(*dir) / "report.md").c_str());
        return kExitOk;
    }
    Plan plan;
    try {
        if (p->has("quick")) {
            plan.sizes = {"8k", "64k"};
            plan.reps = plan.reps_large = 3;
            plan.reject_reps = 5;
            plan.calib_reps = 2;
            plan.xz_max = 8192;
            plan.calib_bytes = 8u << 20;
        }
        if (auto s = p->get("sizes")) {
            plan.sizes.clear();
            std::stringstream ss(*s);
            std::string item;
            while (std::getline(ss, item, ','))
                if (!item.empty()) plan.sizes.push_back(item);
        }
        auto size_opt = [&](const char* name, uint64_t& dst) -> bool {
            auto v = p->get(name);
            if (!v) return true;
            auto b = *v == "0" ? Expected<uint64_t>(uint64_t{0}) : kernels::parse_size(*v);
            if (!b) {
                std::fprintf(stderr, "modharness bench: --%s: %s\n", name, b.error().message.c_str());
                return false;
            }
            dst = *b;
            return true;
        };
        if (!size_opt("large-from", plan.large_from) || !size_opt("xz-max", plan.xz_max) || !size_opt("calib-bytes", plan.calib_bytes))
            return kExitUsage;
        if (auto v = p->get("repeat")) plan.repeat = std::stoi(*v);
        if (auto v = p->get("reps")) plan.reps = std::stoi(*v);
        if (auto v = p->get("reps-large")) plan.reps_large = std::stoi(*v);
        if (auto v = p->get("reject-reps")) plan.reject_reps = std::stoi(*v);
        if (auto v = p->get("memory")) plan.memory_mb = std::stoi(*v);
    } catch (const std::exception&) {
        std::fprintf(stderr, "modharness bench: numeric option expected\n");
        return kExitUsage;
    }
    plan.interleave = !p->has("no-interleave");
    for (const auto& s : plan.sizes)
        if (!kernels::parse_size(s)) {
            std::fprintf(stderr, "modharness bench: bad size '%s'\n", s.c_str());
            return kExitUsage;
        }
    if (plan.repeat < 1 || plan.reps < 1 || plan.reps_large < 1 || plan.reject_reps < 1) {
        std::fprintf(stderr, "modharness bench: counts must be >= 1\n");
        return kExitUsage;
    }

    std::vector<std::string> kernel_names = {p->get_or("kernel", std::string(kernels::kDefaultKernel))};
    if (auto c = p->get("compare")) kernel_names.push_back(*c);
    std::vector<kernels::Kernel> kernels;
    for (const auto& n : kernel_names) {
        auto k = kernels::resolve_kernel(n, !p->has("no-fetch"));
        if (!k) {
            std::fprintf(stderr, "modharness bench: %s\n", k.error().message.c_str());
            return kExitEnvironment;
        }
        kernels.push_back(*k);
    }
    auto accel = session::accel_from_option(p->get_or("accel", "auto"), kernels[0].bzimage, session::default_executor_path(),
                                       "qemu-system-x86_64");
    if (!accel) {
        std::fprintf(stderr, "modharness bench: %s\n", accel.error().message.c_str());
        return kExitEnvironment;
    }
    std::string accel_name = vm::accel_name(accel->accel);
    std::string kernels_label = kernel_names[0] + (kernel_names.size() > 1 ? "+" + kernel_names[1] : "");
    fs::path out = p->has("out") ? fs::path(*p->get("out"))
                                 : kernels::corpus_modules_dir().parent_path().parent_path() / "bench" / "results" /
                                       (kernels_label + "-" + accel_name + "-" + utc_stamp("%Y%m%dT%H%MZ"));
    std::error_code ec;
    fs::create_directories(out, ec);
    std::string command = "modharness bench";
    for (const auto& a : args) command += " " + a;

    bench::ReportInput report;
    report.accel = accel_name;
    report.command = command;
    report.date = utc_stamp("%Y-%m-%dT%H:%M:%SZ");
    std::string notes_before = host_notes();
    const auto* interrupted = install_interrupt_flag();
    auto tsc = vm::tsc_khz_from_cpuinfo(slurp("/proc/cpuinfo"));
    int failures = 0;

    for (size_t ki = 0; ki < kernels.size(); ++ki) {
        const auto& k = kernels[ki];
        bench::KernelRuns kr;
        kr.kernel = kernel_names[ki];
        kr.release = k.release;
        fs::path kdir = out / kernel_names[ki];
        fs::path work = kdir / "work";
        fs::create_directories(work, ec);
        std::string token = session::random_token();
        std::vector<std::string> prep_notes;
        auto initrd = prepare_initrd(k, plan, work, token, prep_notes);
        if (!initrd) {
            std::fprintf(stderr, "modharness bench: %s: %s\n", kr.kernel.c_str(), initrd.error().message.c_str());
            return kExitEnvironment;
        }
        for (int run = 1; run <= plan.repeat; ++run) {
            vm::GuestProgramOptions go;
            go.vm.kernel = k.bzimage;
            go.vm.initrd = *initrd;
            go.vm.accel = accel->accel;
            go.vm.memory_mb = plan.memory_mb;
            go.vm.console_log = kdir / ("console-run" + std::to_string(run) + ".log");
            go.vm.results_file = kdir / ("results-run" + std::to_string(run) + ".bin");
            vm::GuestCmdline cl;
            cl.token = token;
            cl.tsc_khz = tsc;
            // guest_cmdline() adds tsc=reliable (the TSC must stay the clocksource under TCG); the
            // skew check against host wall time verifies the guest clock.
            go.vm.append = vm::guest_cmdline(cl);
            go.interrupted = interrupted;
            size_t samples = 0;
            go.on_frame = [&](const vm::GuestFrame& f) {
                const auto type = protocol::frame_type(f.record);
                if (type == protocol::FrameType::Sample && ++samples % 50 == 0)
                    std::fprintf(stderr, "  [%s run %d] %zu samples, %.0f s\n", kr.kernel.c_str(), run, samples, f.host_seconds);
                else if (type == protocol::FrameType::Note || type == protocol::FrameType::Error)
                    std::fprintf(stderr, "  [%s run %d] %s: %s\n", kr.kernel.c_str(), run,
                                 f.record.get_or("key", std::string(protocol::frame_type_name(type))).c_str(),
                                 f.record.get_or("text", f.record.get_or("message", "")).c_str());
            };
            std::fprintf(stderr, "modharness bench: %s run %d/%d (%s) ...\n", kr.kernel.c_str(), run, plan.repeat, accel_name.c_str());
            int retries = 0;
            Expected<vm::GuestProgramResult> res = make_error("not run");
            for (;;) {
                res = vm::run_guest_program(go);
                if (!res) {
                    std::fprintf(stderr, "modharness bench: %s\n", res.error().message.c_str());
                    return kExitEnvironment;
                }
                // Boot hangs under TCG are intermittent (DESIGN.md): bounded retry, counted.
                if (res->booted || res->vm_event == "interrupted" || retries >= 2) break;
                ++retries;
                std::fprintf(stderr, "modharness bench: VM did not boot (%s), retry %d\n",
                             (res->vm_event.empty() ? res->exit_status : res->vm_event).c_str(), retries);
            }
            if (interrupted && interrupted->load()) return kExitInterrupted;
            std::string error;
            auto gr = collect(*res, kdir, run, error);
            gr.boot_retries = retries;
            gr.run_index = run;
            for (const auto& n : prep_notes) gr.notes.push_back(n);
            if (!res->crashes.empty()) gr.notes.push_back("console: " + res->crashes.front().title);
            if (!error.empty()) {
                ++failures;
                std::fprintf(stderr, "modharness bench: %s run %d: %s (console: %s)\n", kr.kernel.c_str(), run, error.c_str(),
                             go.vm.console_log.c_str());
            }
            // The raw frames duplicate gbench-runN.json once that parsed: keep them only for failures.
            if (error.empty() && !p->has("keep-work")) fs::remove(go.vm.results_file, ec);
            if (!gr.series.empty()) kr.runs.push_back(std::move(gr));
        }
        // The inputs are rebuilt from the seed cache on every run; only the manifest is worth keeping.
        if (!p->has("keep-work")) {
            fs::remove(*initrd, ec);
            fs::remove_all(work / "store", ec);
        }
        report.kernels.push_back(std::move(kr));
    }
    report.host_notes = "before: " + notes_before + " | after: " + host_notes();
    if (auto s = bench::write_report(report, out); !s) {
        std::fprintf(stderr, "modharness bench: %s\n", s.error().message.c_str());
        return kExitEnvironment;
    }
    (void)write_text(out / "command.txt", command + "\n");
    std::printf("%s\n", (out / "report.md").c_str());
    return failures ? kExitFindings : kExitOk;
}
#endif

}  // namespace mh::cli
