// Campaign loop: jobs x VMs, streaming state to --out (see campaign.h).
#include "harness/campaign/campaign.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <unordered_set>

#include "harness/common/files.h"
#include "harness/common/packed_bytes.h"
#include "harness/common/text.h"
#include "harness/campaign/crash_store.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/campaign/fuzz_vm.h"
#include "harness/mutate/mutator.h"
#include "harness/campaign/seed_inputs.h"
#include "harness/kernel_log/console_parser.h"
#include "harness/session/accel_probe.h"
#include "harness/host/file_tail.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/vm/qemu_argv.h"
#include "harness/session/results_sink.h"
#include "harness/session/run_session.h"
#include "harness/protocol/frame_types.h"

#ifndef MH_GUEST_FUZZ_DIR
#define MH_GUEST_FUZZ_DIR ""
#endif

namespace mh::campaign {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

const std::vector<std::string>& engine_names() {
    static const std::vector<std::string> names{"libfuzzer", "libfuzzer-bytes", "random", "aflpp"};
    return names;
}

namespace {

constexpr const char* kSchema = "modharness.fuzz/1";


// What goes into the VM for one engine run of `seconds`.
struct EngineRun {
    fs::path binary;
    std::vector<std::string> argv, env, dirs;
    std::string watch = "/tmp/corpus";
    std::vector<fs::path> extra_programs;
    std::vector<GuestFile> files;  // more initramfs files (AFL++'s custom mutator)
};

Expected<EngineRun> engine_run(const CampaignOptions& o, double seconds, uint64_t seed, size_t max_len) {
    EngineRun r;
    std::string variant;
    if (o.engine == "libfuzzer") variant = "structured";
    else if (o.engine == "libfuzzer-bytes") variant = "bytes";
    else if (o.engine == "random") variant = "random";
    else if (o.engine == "aflpp") {
        // afl-fuzz is the supervised engine; the target it forks is /fuzz/engine. The custom
        // mutator goes in as /fuzz/mh-afl-mutator.so (its libraries are the target's). AFL++ reads -i
        // recursively: /mh/seeds and /mh/corpus (and /mh/token, /mh/fuzz.conf, which the mutator
        // declines to fuzz), and calibrates each (3+ runs). The dictionary stage (/mh-stage) is a
        // foreign sync dir instead, imported first: each input runs once and only the ones with
        // new coverage are queued and calibrated (-F needs a main node: -M main). New finds are
        // exported by the mutator under content names to the watch dir, so restarts do not send
        // the imported corpus back under new queue names.
        // The AFL++ pieces are built beside the libFuzzer ones.
        auto libfuzzer_binary = guest_fuzzer_path("structured", o.guest_fuzz_dir);
        if (!libfuzzer_binary) return libfuzzer_binary.error();
        const fs::path dir = libfuzzer_binary->parent_path();
        r.binary = dir / "mh-afl-target";
        const fs::path mutator = dir / "mh-afl-mutator.so", afl_fuzz = "/usr/bin/afl-fuzz";
        std::error_code ec;
        for (const auto& p : {r.binary, mutator, afl_fuzz})
            if (!fs::exists(p, ec)) return make_error(p.string() + " not found (engine aflpp needs AFL++: apt-get install afl++, then build mh-guest-fuzzers)");
        std::string so = host::read_whole_file(stripped_copy(mutator, o.out / "work" / "bin"));
        if (so.empty()) return make_error("cannot read " + mutator.string());
        r.files.push_back({"fuzz/mh-afl-mutator.so", std::move(so)});
        r.extra_programs = {afl_fuzz};
        r.argv = {afl_fuzz.string(), "-i", "/mh", "-o", "/tmp/afl", "-M", "main", "-F", "/mh-stage", "-V", std::to_string(std::max(1, static_cast<int>(seconds))),
                  "-t", "30000", "-m", "none", "-s", std::to_string(static_cast<uint32_t>(seed) | 1u), "--", "/fuzz/engine"};
        r.env = {"AFL_CUSTOM_MUTATOR_LIBRARY=/fuzz/mh-afl-mutator.so", "AFL_CUSTOM_MUTATOR_ONLY=1", "AFL_DISABLE_TRIM=1", "AFL_NO_UI=1",
                 "AFL_SKIP_CPUFREQ=1", "AFL_NO_AFFINITY=1", "AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1", "AFL_FAST_CAL=1", "AFL_IMPORT_FIRST=1",
                 "MH_AFL_MAX_LEN=" + std::to_string(max_len), "MH_AFL_EXPORT_DIR=/tmp/mh-afl-new"};
        // The fuzz kernel has no flock(): AFL++ tolerates that only for an output dir that exists.
        r.dirs = {"/tmp/afl", "/tmp/afl/main"};
        r.watch = "/tmp/mh-afl-new";
        return r;
    }
    else return make_error("unknown engine '" + o.engine + "' (libfuzzer, libfuzzer-bytes, random, aflpp)");
    MH_TRY_ASSIGN(binary, guest_fuzzer_path(variant, o.guest_fuzz_dir));
    r.binary = binary;
    r.argv = {"/fuzz/engine",
              "-max_total_time=" + std::to_string(std::max(1, static_cast<int>(seconds))),
              "-timeout=0",  // per-input timeouts need setitimer (no POSIX timers in the fuzz kernel); the supervisor watches hangs
              "-rss_limit_mb=0",
              "-max_len=" + std::to_string(max_len),
              "-seed=" + std::to_string(static_cast<uint32_t>(seed) | 1u),
              "-print_final_stats=1",
              "-reload=0",
              "-entropic=0",  // entropic re-weighs the whole corpus on every new input: too slow here
              "/tmp/corpus",
              "/mh/seeds",
              "/mh-stage",
              "/mh/corpus"};
    return r;
}

}  // namespace

Expected<fs::path> guest_fuzzer_path(const std::string& variant, const fs::path& dir) {
    fs::path d = dir;
    if (d.empty()) d = std::getenv("MH_GUEST_FUZZ_DIR") ? fs::path(std::getenv("MH_GUEST_FUZZ_DIR")) : fs::path(MH_GUEST_FUZZ_DIR);
    const fs::path p = d / ("mh-fuzz-" + variant);
    std::error_code ec;
    if (d.empty() || !fs::exists(p, ec))
        return make_error("guest fuzzer " + p.string() + " not found (build the mh-guest-fuzzers target; it needs clang)");
    return p;
}

namespace {

std::map<int, uint64_t> parse_errnos(const std::string& s) {
    std::map<int, uint64_t> out;  // "8:117,22:42"
    for (const auto& item : split_trimmed(s, ',')) {
        const size_t colon = item.find(':');
        if (colon != std::string::npos) out[std::atoi(item.c_str())] = std::strtoull(item.c_str() + colon + 1, nullptr, 10);
    }
    return out;
}


// Shared by the job threads; every member is guarded by mu.
struct State {
    std::mutex mu;
    const CampaignOptions* opt = nullptr;
    fs::path out;
    std::unordered_set<uint64_t> pcs;
    size_t loader = 0;
    std::string pcs_pending;
    std::set<std::string> corpus_names;
    uint64_t base_execs = 0, base_loaded = 0;     // finished VMs (and earlier runs)
    std::map<int, uint64_t> base_errnos;
    std::vector<uint64_t> vm_execs, vm_loaded;    // per job: the running VM's counters
    std::vector<bool> stage_pending;              // per job: its next VM gets the dictionary stage
    std::vector<std::map<int, uint64_t>> vm_errnos;
    double base_elapsed = 0, base_engine = 0, base_restart = 0;
    int vms = 0;
    std::string feedback;
    std::vector<CurvePoint> curve;
    Clock::time_point started;
    double last_curve = -1e9, last_progress = 0;
    std::string stop_reason;
    bool storage_error = false;  // stop_reason is a failed write in --out (exit 4, not 3)

    double elapsed() const { return base_elapsed + std::chrono::duration<double>(Clock::now() - started).count(); }
    uint64_t execs() const {
        uint64_t n = base_execs;
        for (auto e : vm_execs) n += e;
        return n;
    }
};

void save_state(State& st, CrashStore& crashes, bool final_write) {
    json j;
    j["schema"] = kSchema;
    j["engine"] = st.opt->engine;
    j["kernel"] = st.opt->kernel;
    j["elapsed_s"] = st.elapsed();
    j["engine_s"] = st.base_engine;
    j["restart_s"] = st.base_restart;
    j["execs"] = st.execs();
    uint64_t loaded = st.base_loaded;
    for (auto l : st.vm_loaded) loaded += l;
    j["loaded"] = loaded;
    j["vms"] = st.vms;
    j["feedback"] = st.feedback;
    std::map<int, uint64_t> errnos = st.base_errnos;
    for (const auto& m : st.vm_errnos)
        for (auto [e, n] : m) errnos[e] += n;
    json ej = json::object();
    for (auto [e, n] : errnos) ej[std::to_string(e)] = n;
    j["errnos"] = ej;
    j["crash_events"] = crashes.events();
    j["final"] = final_write;
    (void)write_file_atomic(st.out / "campaign.json", j.dump(2) + "\n");
}

void add_curve_point(State& st, CrashStore& crashes, session::ResultsSink& curve_file) {
    CurvePoint p{st.elapsed(), st.execs(), st.pcs.size(), st.loader, crashes.events()};
    st.curve.push_back(p);
    json j{{"t", p.t}, {"execs", p.execs}, {"pcs", p.pcs}, {"loader", p.loader}, {"crashes", p.crashes}};
    (void)curve_file.append(j.dump());  // a lost curve point is not worth stopping for
}

std::string human(double v) {
    char b[32];
    if (v >= 1e6) std::snprintf(b, sizeof b, "%.1fM", v / 1e6);
    else if (v >= 1e3) std::snprintf(b, sizeof b, "%.1fk", v / 1e3);
    else std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}

std::string clock_text(double s) {
    char b[32];
    const long t = static_cast<long>(s);
    std::snprintf(b, sizeof b, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    return b;
}

}  // namespace

Expected<CampaignSummary> run_campaign(const CampaignOptions& opt) {
    auto say = [&](const std::string& s) {
        if (opt.progress) opt.progress(s);
    };
    if (opt.out.empty()) return make_error("--out is required");
    if (opt.jobs < 1 || opt.jobs > 64) return make_error("--jobs must be 1..64");
    if (opt.duration_s <= 0) return make_error("--duration must be positive");
    if (!opt.weights.empty())
        if (auto w = mutate::parse_weights(opt.weights); !w) return w.error();
    auto kernel = kernels::resolve_kernel(opt.kernel, false);
    if (!kernel) return kernel.error();
    const fs::path executor = opt.executor.empty() ? session::default_executor_path() : opt.executor;
    std::error_code ec;
    if (!fs::exists(executor, ec)) return make_error("guest executor not found at " + executor.string());

    fs::create_directories(opt.out / "corpus", ec);
    if (ec) return make_error("cannot create " + (opt.out / "corpus").string() + ": " + ec.message());

    State st;
    st.opt = &opt;
    st.out = opt.out;
    // Continue an earlier run of the same campaign.
    if (auto prev = read_text_file(opt.out / "campaign.json")) {
        auto j = json::parse(*prev, nullptr, false);
        if (j.is_discarded() || j.value("schema", "") != kSchema)
            return make_error((opt.out / "campaign.json").string() + " is not a modharness campaign state file");
        if (j.value("engine", "") != opt.engine || j.value("kernel", "") != opt.kernel)
            return make_error(opt.out.string() + " holds a " + j.value("engine", "?") + " campaign on " + j.value("kernel", "?") +
                              ": use another --out for " + opt.engine + " on " + opt.kernel);
        st.base_elapsed = j.value("elapsed_s", 0.0);
        st.base_engine = j.value("engine_s", 0.0);
        st.base_restart = j.value("restart_s", 0.0);
        st.base_execs = j.value("execs", uint64_t{0});
        st.base_loaded = j.value("loaded", uint64_t{0});
        st.vms = j.value("vms", 0);
        st.feedback = j.value("feedback", "");
        if (j.contains("errnos"))
            for (auto& [k, v] : j["errnos"].items()) st.base_errnos[std::atoi(k.c_str())] = v.get<uint64_t>();
        say("resuming the campaign in " + opt.out.string() + " at " + clock_text(st.base_elapsed));
    }
    {
        std::ifstream pin(opt.out / "pcs.txt");
        std::string line;
        while (std::getline(pin, line)) {
            if (line.empty()) continue;
            const uint64_t pc = std::strtoull(line.c_str(), nullptr, 16);
            if (pc && st.pcs.insert(pc).second && opt.is_loader_site && opt.is_loader_site(pc)) ++st.loader;
        }
        std::ifstream cin(opt.out / "coverage.jsonl");
        while (std::getline(cin, line)) {
            auto j = json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.contains("t"))
                st.curve.push_back({j.value("t", 0.0), j.value("execs", uint64_t{0}), j.value("pcs", size_t{0}), j.value("loader", size_t{0}), j.value("crashes", 0)});
        }
    }
    for (auto& e : fs::directory_iterator(opt.out / "corpus", ec)) st.corpus_names.insert(e.path().filename().string());
    CrashStore crashes(opt.out);
    MH_TRY(crashes.load());
    std::set<std::string> known(opt.known_titles.begin(), opt.known_titles.end());
    for (const auto& [t, g] : crashes.groups()) known.insert(t);

    // Seeds: built for this kernel, stripped, encoded; plus the caller's files.
    const std::vector<std::string> seed_names = opt.seeds.empty() ? default_fuzz_seed_names() : opt.seeds;
    say("building seed modules (" + std::to_string(seed_names.size()) + ") for " + kernel->release + " ...");
    auto seeds = build_seed_inputs(*kernel, seed_names, opt.out / "work");
    if (!seeds) return seeds.error();
    for (const auto& f : opt.seed_files) {
        auto text = read_text_file(f);
        if (!text) return make_error("seed file: " + text.error().message);
        seeds->inputs.push_back({f.filename().string(), mutate::Bytes(text->begin(), text->end()), ""});
    }
    // The dictionary stage is the structure-aware mutator's own deterministic work, not a seed:
    // libFuzzer's byte mutation and the random baseline do not get it.
    if (opt.engine != "libfuzzer" && opt.engine != "aflpp") seeds->stage.clear();
    // A VM runs every starting input before it fuzzes (AFL++ calibrates each, AFL_FAST_CAL: 3 runs).
    const uint64_t startup_execs = (seeds->inputs.size() + seeds->stage.size()) * (opt.engine == "aflpp" ? 3 : 1);
    auto environment = environment_files(*kernel, opt.out / "work");
    if (!environment) return environment.error();
    size_t largest = 0;
    fs::create_directories(opt.out / "seeds", ec);  // the encoded seeds, kept for the record
    for (const auto* list : {&seeds->inputs, &seeds->stage})
        for (const auto& s : *list) {
            largest = std::max(largest, s.bytes.size());
            (void)write_file_atomic(opt.out / "seeds" / s.name, std::string(s.bytes.begin(), s.bytes.end()));
        }
    const size_t max_len = opt.max_len ? opt.max_len : largest + largest / 2 + 4096;

    auto accel = session::accel_from_option(opt.accel, kernel->bzimage, executor, "qemu-system-x86_64");
    if (!accel) return accel.error();
    const auto tsc = vm::tsc_khz_from_cpuinfo(host::read_whole_file("/proc/cpuinfo"));
    // Engine binaries are packed without debug info (7 MB -> 1 MB of initramfs).
    auto probe = engine_run(opt, 1, 1, max_len);
    if (!probe) return probe.error();
    const fs::path engine_binary = stripped_copy(probe->binary, opt.out / "work" / "bin");

    MH_TRY_ASSIGN(pcs_file, session::ResultsSink::open(opt.out / "pcs.txt"));
    MH_TRY_ASSIGN(curve_file, session::ResultsSink::open(opt.out / "coverage.jsonl"));

    st.started = Clock::now();
    const double end_at = st.base_elapsed + opt.duration_s;
    st.vm_execs.assign(static_cast<size_t>(opt.jobs), 0);
    st.stage_pending.assign(static_cast<size_t>(opt.jobs), true);
    st.vm_loaded.assign(static_cast<size_t>(opt.jobs), 0);
    st.vm_errnos.assign(static_cast<size_t>(opt.jobs), {});
    std::mt19937_64 rng(opt.rng_seed ? opt.rng_seed : static_cast<uint64_t>(Clock::now().time_since_epoch().count()));
    std::mutex rng_mu;
    std::atomic<bool> stop{false};
    // Whole lines, fdatasync'd; a failed write (disk full) stops the campaign with its reason.
    auto flush_pcs = [&]() {
        if (st.pcs_pending.empty()) return;
        std::string chunk = std::move(st.pcs_pending);
        st.pcs_pending.clear();
        chunk.pop_back();  // the sink adds the last newline
        if (auto s = pcs_file.append(chunk); !s) {
            st.stop_reason = s.error().message;
            st.storage_error = true;
            stop = true;
        }
    };

    auto progress_line = [&]() {
        // Caller holds st.mu.
        const double el = st.elapsed();
        const double rate = st.base_engine + el > 0 ? static_cast<double>(st.execs()) / std::max(1.0, el) : 0;
        std::string cov = human(static_cast<double>(st.pcs.size())) + " pcs";
        if (opt.loader_ceiling) {
            char b[64];
            std::snprintf(b, sizeof b, "loader %zu/%zu (%.1f%%)", st.loader, opt.loader_ceiling, 100.0 * static_cast<double>(st.loader) / static_cast<double>(opt.loader_ceiling));
            cov = std::string(b) + ", " + cov;
        }
        say("[" + opt.engine + "] " + clock_text(el) + " execs " + human(static_cast<double>(st.execs())) + " (" + human(rate) + "/s) " + cov +
            " corpus " + std::to_string(st.corpus_names.size()) + " crashes " + std::to_string(crashes.events()) + " (" +
            std::to_string(crashes.groups().size()) + " titles) vms " + std::to_string(st.vms));
    };

    auto job = [&](int id) {
        int no_boot = 0;
        while (!stop) {
            if (opt.interrupted && opt.interrupted->load()) break;
            double remaining;
            {
                std::lock_guard lock(st.mu);
                remaining = end_at - st.elapsed();
            }
            if (remaining < 5) break;
            uint64_t seed;
            {
                std::lock_guard lock(rng_mu);
                seed = rng();
            }
            auto er = engine_run(opt, remaining, seed, max_len);
            if (!er) {
                std::lock_guard lock(st.mu);
                st.stop_reason = er.error().message;
                stop = true;
                break;
            }
            FuzzVmSpec spec;
            spec.kernel = *kernel;
            spec.executor = executor;
            spec.engine = engine_binary;
            spec.engine_argv = er->argv;
            spec.engine_env = er->env;
            if (!opt.weights.empty()) spec.engine_env.push_back("MH_FUZZ_WEIGHTS=" + opt.weights);
            spec.make_dirs = er->dirs;
            spec.watch_dir = er->watch;
            spec.extra_programs = er->extra_programs;
            spec.files = er->files;
            spec.accel = accel->accel;
            spec.memory_mb = opt.memory_mb;
            spec.tsc_khz = tsc;
            spec.work_dir = opt.out / "work" / ("job" + std::to_string(id));
            spec.total_timeout = std::chrono::seconds(static_cast<long>(remaining) + 300);
            spec.interrupted = opt.interrupted;
            spec.files.push_back({"mh/seeds/.keep", ""});
            spec.files.push_back({"mh-stage/.keep", ""});
            spec.files.insert(spec.files.end(), environment->begin(), environment->end());
            {
                std::lock_guard lock(st.mu);
                // The random baseline stands for a syscall fuzzer with an executable template: no module seeds.
                if (opt.engine != "random")
                    for (const auto& s : seeds->inputs) spec.files.push_back({"mh/seeds/" + s.name, std::string(s.bytes.begin(), s.bytes.end())});
                // The stage goes into a job's VMs until one has run through it: its PCs are
                // counted by then, and restarts after crashes do not pay for it again (libFuzzer
                // does not copy starting inputs into its corpus, so later VMs fuzz on without them).
                if (st.stage_pending[static_cast<size_t>(id)])
                    for (const auto& s : seeds->stage) spec.files.push_back({"mh-stage/" + s.name, std::string(s.bytes.begin(), s.bytes.end())});
                for (const auto& name : st.corpus_names) {
                    std::string data = host::read_whole_file(opt.out / "corpus" / name);
                    if (!data.empty()) spec.files.push_back({"mh/corpus/" + name, std::move(data)});
                }
            }
            spec.files.push_back({"mh/corpus/.keep", ""});
            double last_frame = 0;
            const size_t j = static_cast<size_t>(id);
            spec.on_frame = [&](const vm::GuestFrame& f) {
                last_frame = f.host_seconds;
                const auto type = protocol::frame_type(f.record);
                std::lock_guard lock(st.mu);
                if (type == protocol::FrameType::Pcs) {
                    const std::string list = f.record.get_or("pcs", "");
                    for (size_t at = 0; at < list.size();) {
                        size_t comma = list.find(',', at);
                        if (comma == std::string::npos) comma = list.size();
                        const uint64_t pc = std::strtoull(list.c_str() + at, nullptr, 16);
                        if (pc && st.pcs.insert(pc).second) {
                            char b[24];
                            std::snprintf(b, sizeof b, "%" PRIx64 "\n", pc);
                            st.pcs_pending += b;
                            if (opt.is_loader_site && opt.is_loader_site(pc)) ++st.loader;
                        }
                        at = comma + 1;
                    }
                } else if (type == protocol::FrameType::Stats) {
                    st.vm_execs[j] = std::strtoull(f.record.get_or("execs", "0").c_str(), nullptr, 10);
                    st.vm_loaded[j] = std::strtoull(f.record.get_or("loaded", "0").c_str(), nullptr, 10);
                    st.vm_errnos[j] = parse_errnos(f.record.get_or("errnos", ""));
                    st.feedback = f.record.get_or("feedback", st.feedback);
                    flush_pcs();
                    const double el = st.elapsed();
                    if (el - st.last_curve >= 5) {
                        add_curve_point(st, crashes, curve_file);
                        st.last_curve = el;
                        save_state(st, crashes, false);
                    }
                    if (el - st.last_progress >= 10) {
                        st.last_progress = el;
                        progress_line();
                    }
                } else if (type == protocol::FrameType::Corpus) {
                    const std::string name = f.record.get_or("name", "");
                    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.' || st.corpus_names.count(name)) return;
                    auto data = unpack_bytes(f.record.get_or("data", ""), std::strtoull(f.record.get_or("size", "0").c_str(), nullptr, 10));
                    if (!data) return;  // a damaged frame: the input is not kept (counted nowhere else)
                    if (auto w = write_file_atomic(opt.out / "corpus" / name, *data); !w) {
                        st.stop_reason = w.error().message;
                        st.storage_error = true;
                        stop = true;
                        return;
                    }
                    st.corpus_names.insert(name);
                }
            };
            auto res = run_fuzz_vm(spec);
            if (!res) {
                std::lock_guard lock(st.mu);
                st.stop_reason = res.error().message;
                stop = true;
                break;
            }
            const auto& r = *res;
            std::lock_guard lock(st.mu);
            flush_pcs();
            ++st.vms;
            if (st.vm_execs[j] >= startup_execs) st.stage_pending[j] = false;
            st.base_execs += st.vm_execs[j];
            st.base_loaded += st.vm_loaded[j];
            for (auto [e, n] : st.vm_errnos[j]) st.base_errnos[e] += n;
            st.vm_execs[j] = st.vm_loaded[j] = 0;
            st.vm_errnos[j].clear();
            const double running = r.engine_started_s >= 0 ? std::max(0.0, last_frame - r.engine_started_s) : 0;
            st.base_engine += running;
            st.base_restart += std::max(0.0, r.vm.wall_seconds - running);
            if (r.error) {
                st.stop_reason = "guest: " + r.error->get_or("message", "error");
                stop = true;
                break;
            }
            if (r.vm.vm_event == "interrupted") break;
            if (!r.vm.booted) {
                if (++no_boot >= 3) {
                    st.stop_reason = "the VM did not boot three times in a row (see " + (spec.work_dir / "console.log").string() + ")";
                    stop = true;
                }
                continue;
            }
            no_boot = 0;
            if (!r.crash && r.vm.crashes.empty() && r.ended) continue;  // the engine's time ran out
            // An engine that dies before its first input is broken, not a kernel finding: stop.
            if (r.crash && r.crash->get_or("input_seq", "0") == "0" && r.crash->get_or("kind", "").rfind("exit-", 0) == 0) {
                st.stop_reason = "the engine exited (" + r.crash->get_or("kind", "") + ") before running any input; its log ends:\n" +
                                 r.crash->get_or("engine_log", "");
                stop = true;
                break;
            }
            CrashEvent e;
            e.engine = opt.engine;
            e.campaign_seconds = st.elapsed();
            e.kind = r.crash ? r.crash->get_or("kind", "?") : (r.vm.vm_event.empty() ? "vm-lost" : r.vm.vm_event);
            e.input = crash_input_of(r);
            e.input_truncated = r.crash && r.crash->get_or("input_truncated", "0") == "1";
            if (auto report = crash_report_of(r)) {
                e.title = report->title;
                e.console_excerpt = report->excerpt;
            } else if (e.kind == "hang") {
                e.title = "hang: module syscall did not return";
            } else if (e.kind == "taint") {
                e.title = "taint: " + r.crash->get_or("taint_added", "?");
            } else if (e.kind.rfind("exit-", 0) == 0 || e.kind.rfind("signal-", 0) == 0) {
                e.title = "engine died: " + e.kind;
                e.console_excerpt = r.crash ? r.crash->get_or("engine_log", "") : "";
            } else {
                e.title = "VM lost: " + e.kind;
            }
            auto g = crashes.add(e);
            if (!g) {
                st.stop_reason = g.error().message;  // results can no longer be recorded: stop, do not lose more
                st.storage_error = true;
                stop = true;
                break;
            }
            if (const std::string dropped = drop_crashing_seed(*seeds, e.input); !dropped.empty()) say(dropped);
            // The console of the VM that crashed, kept with the group's first event.
            if (g->count == 1) (void)write_file_atomic(opt.out / "crashes" / g->slug / "console.log", r.console);
            say(std::string(g->count == 1 ? "NEW crash" : "crash") + " (" + e.kind + "): " + e.title +
                (e.input.empty() ? " [input lost with the VM]" : "") + (g->count > 1 ? " x" + std::to_string(g->count) : ""));
            save_state(st, crashes, false);
        }
    };

    say("fuzzing " + kernel->release + " with " + opt.engine + " for " + clock_text(opt.duration_s) + " (" + std::to_string(opt.jobs) +
        " job" + (opt.jobs > 1 ? "s" : "") + ", " + std::string(accel->accel == vm::Accel::Kvm ? "kvm" : "tcg") + ", out " + opt.out.string() + ")");
    std::vector<std::thread> threads;
    for (int i = 0; i < opt.jobs; ++i) threads.emplace_back(job, i);
    for (auto& t : threads) t.join();

    CampaignSummary s;
    std::lock_guard lock(st.mu);
    add_curve_point(st, crashes, curve_file);
    save_state(st, crashes, true);
    s.engine = opt.engine;
    s.kernel = opt.kernel;
    s.release = kernel->release;
    s.feedback = st.feedback;
    s.elapsed_s = st.elapsed();
    s.engine_s = st.base_engine;
    s.restart_s = st.base_restart;
    s.execs = st.base_execs;
    s.loaded = st.base_loaded;
    s.vms = st.vms;
    s.pcs = st.pcs.size();
    s.loader = st.loader;
    s.loader_ceiling = opt.loader_ceiling;
    s.corpus = st.corpus_names.size();
    s.crash_events = crashes.events();
    for (const auto& [t, g] : crashes.groups()) {
        s.titles.push_back(t);
        if (g.new_this_run && !known.count(t)) s.new_titles.push_back(t);
    }
    s.errnos = st.base_errnos;
    for (double cp : opt.checkpoints) {
        const CurvePoint* best = nullptr;
        for (const auto& p : st.curve)
            if (p.t <= cp + 2.5) best = &p;
        if (best && (st.curve.back().t >= cp - 2.5)) {
            CurvePoint at = *best;
            at.t = cp;
            s.checkpoints.push_back(at);
        }
    }
    s.interrupted = opt.interrupted && opt.interrupted->load();
    s.stop_reason = st.stop_reason;
    s.storage_error = st.storage_error;
    return s;
}

std::string summary_json(const CampaignSummary& s) {
    json j;
    j["schema"] = "modharness.fuzz-summary/1";
    j["engine"] = s.engine;
    j["kernel"] = s.kernel;
    j["release"] = s.release;
    j["feedback"] = s.feedback;
    j["elapsed_s"] = s.elapsed_s;
    j["engine_vm_s"] = s.engine_s;
    j["restart_vm_s"] = s.restart_s;
    j["execs"] = s.execs;
    j["execs_per_vm_s"] = s.engine_s > 0 ? static_cast<double>(s.execs) / s.engine_s : 0;
    j["loaded"] = s.loaded;
    j["vms"] = s.vms;
    j["pcs"] = s.pcs;
    j["loader_sites_reached"] = s.loader;
    j["loader_sites_total"] = s.loader_ceiling;
    j["loader_share"] = s.loader_ceiling ? static_cast<double>(s.loader) / static_cast<double>(s.loader_ceiling) : 0;
    j["corpus"] = s.corpus;
    j["crash_events"] = s.crash_events;
    j["crash_titles"] = s.titles;
    j["new_crash_titles"] = s.new_titles;
    uint64_t enoexec = 0;
    json ej = json::object();
    for (auto [e, n] : s.errnos) {
        ej[std::to_string(e)] = n;
        if (e == 8) enoexec = n;
    }
    j["errnos"] = ej;
    // Share of calls the ELF validity checks (ENOEXEC) did not reject.
    j["past_elf_checks_share"] = s.execs ? 1.0 - static_cast<double>(enoexec) / static_cast<double>(s.execs) : 0;
    json cps = json::array();
    for (const auto& p : s.checkpoints)
        cps.push_back({{"t", p.t}, {"execs", p.execs}, {"pcs", p.pcs}, {"loader", p.loader}, {"crashes", p.crashes}});
    j["checkpoints"] = cps;
    j["interrupted"] = s.interrupted;
    j["stop_reason"] = s.stop_reason;
    return j.dump(2) + "\n";
}

std::string summary_table(const CampaignSummary& s) {
    std::string out;
    char b[256];
    std::snprintf(b, sizeof b, "engine %s on %s (%s feedback), %s wall, %d VMs\n", s.engine.c_str(), s.release.c_str(),
                  s.feedback.empty() ? "no" : s.feedback.c_str(), clock_text(s.elapsed_s).c_str(), s.vms);
    out += b;
    std::snprintf(b, sizeof b, "execs %" PRIu64 " (%.0f/s per running VM), loaded %" PRIu64 ", VM time lost to restarts %.0f s of %.0f s\n",
                  s.execs, s.engine_s > 0 ? static_cast<double>(s.execs) / s.engine_s : 0.0, s.loaded, s.restart_s, s.restart_s + s.engine_s);
    out += b;
    if (s.loader_ceiling) {
        std::snprintf(b, sizeof b, "loader coverage %zu / %zu sites (%.1f%%), %zu kernel PCs in all\n", s.loader, s.loader_ceiling,
                      100.0 * static_cast<double>(s.loader) / static_cast<double>(s.loader_ceiling), s.pcs);
    } else {
        std::snprintf(b, sizeof b, "%zu kernel PCs reached\n", s.pcs);
    }
    out += b;
    for (const auto& p : s.checkpoints) {
        std::snprintf(b, sizeof b, "  at %5.0f s: loader %zu, pcs %zu, execs %" PRIu64 "\n", p.t, p.loader, p.pcs, p.execs);
        out += b;
    }
    std::snprintf(b, sizeof b, "corpus %zu, crashes %d (%zu titles, %zu new)\n", s.corpus, s.crash_events, s.titles.size(), s.new_titles.size());
    out += b;
    for (const auto& t : s.titles) {
        const bool is_new = std::find(s.new_titles.begin(), s.new_titles.end(), t) != s.new_titles.end();
        out += std::string("  ") + (is_new ? "NEW " : "    ") + t + "\n";
    }
    if (!s.stop_reason.empty()) out += "stopped: " + s.stop_reason + "\n";
    return out;
}

}  // namespace mh::campaign
