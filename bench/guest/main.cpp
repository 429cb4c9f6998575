// mh-guest-bench: the /init of a bench VM. Guard first; then module store, clock check, the
// Google Benchmark run (interleaved repetitions), JSON back over /dev/ttyS1 in chunks; power off.
#include <benchmark/benchmark.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "bench/guest/bench_manifest.h"
#include "harness/common/files.h"
#include "harness/executor/guest_env.h"
#include "harness/guest_guard/machine.h"
#include "harness/protocol/frame_types.h"
#include "bench/guest/load_benchmarks.h"
#include "bench/guest/module_store.h"

namespace {

using namespace mh;

// Prints the context and errors only: a line per repetition on the serial console costs guest
// time between samples and made each console log ~300 KiB; the JSON has every repetition anyway.
class QuietReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs)
            if (r.error_occurred) std::fprintf(stdout, "%s: %s\n", r.benchmark_name().c_str(), r.error_message.c_str());
    }
};
using namespace mh::bench;
using namespace mh::executor;

constexpr const char* kManifestPath = "/mh/bench.conf";
constexpr const char* kJsonPath = "/tmp/gbench.json";

long long mono_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// The host times the gap between the two frames with its wall clock; the guest reports what its
// own clock saw. A wrong tsc_early_khz would show up here as a ratio far from 1.
void clock_check(ResultsPort& port, const std::string& phase, double sleep_s) {
    KvRecord begin = protocol::make_record(protocol::FrameType::Skew);
    begin.set("phase", phase + "-begin");
    port.send(begin);
    long long t0 = mono_ns();
    timespec req{static_cast<time_t>(sleep_s), static_cast<long>((sleep_s - static_cast<double>(static_cast<long>(sleep_s))) * 1e9)};
    ::nanosleep(&req, nullptr);
    long long t1 = mono_ns();
    KvRecord end = protocol::make_record(protocol::FrameType::Skew);
    end.set("phase", phase + "-end");
    end.set("guest_ns", std::to_string(t1 - t0));
    port.send(end);
}

[[noreturn]] void fail(ResultsPort& port, const std::string& message) {
    KvRecord err = protocol::make_record(protocol::FrameType::Error);
    err.set("message", message);
    port.send(err);
    power_off();
}

}  // namespace

int main() {
    // Nothing before this line may touch the module syscalls: benchmarks are registered later,
    // at run time, never by static initialisers.
    if (auto why = mh::guest_guard::refusal_as_init()) return refuse_and_exit("mh-guest-bench", *why);
    mount_guest_filesystems("size=50%");
    ResultsPort port;

    KvRecord hello = protocol::make_record(protocol::FrameType::Hello);
    hello.set("program", "mh-guest-bench");
    utsname u{};
    if (::uname(&u) == 0) hello.set("release", u.release);
    struct sysinfo si {};
    if (::sysinfo(&si) == 0) hello.set("mem_bytes", std::to_string(static_cast<unsigned long long>(si.totalram) * si.mem_unit));
    hello.set("cpus", std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)));
    hello.set("results_port", port.on_serial() ? "ttyS1" : "console");
    port.send(hello);

    auto manifest = parse_manifest(mh::read_text_file(kManifestPath).value_or(""));
    if (!manifest) fail(port, manifest.error().message);
    auto store = open_module_store(manifest->store);
    if (!store) fail(port, "module store: " + store.error().message);
    KvRecord st = protocol::make_record(protocol::FrameType::Note);
    st.set("key", "store");
    st.set("text", *store);
    port.send(st);

    clock_check(port, "start", manifest->skew_sleep_s);

    BenchContext ctx;
    ctx.manifest = *manifest;
    ctx.on_sample = [&port](const std::string& name, long long ns, int err) {
        KvRecord r = protocol::make_record(protocol::FrameType::Sample);
        r.set("name", name);
        r.set("ns", std::to_string(ns));
        r.set("errno", std::to_string(err));
        port.send(r);
    };
    ctx.on_note = [&port](const std::string& key, const std::string& text) {
        KvRecord r = protocol::make_record(protocol::FrameType::Note);
        r.set("key", key);
        r.set("text", text);
        port.send(r);
    };
    register_benchmarks(ctx);
    benchmark::AddCustomContext("kernel_release", u.release);
    benchmark::AddCustomContext("module_store", *store);

    std::vector<std::string> args = {"mh-guest-bench", std::string("--benchmark_out=") + kJsonPath, "--benchmark_out_format=json",
                                     "--benchmark_format=console", "--benchmark_counters_tabular=false"};
    if (manifest->interleave) args.push_back("--benchmark_enable_random_interleaving=true");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int argc = static_cast<int>(args.size());
    benchmark::Initialize(&argc, argv.data());
    long long b0 = mono_ns();
    QuietReporter display;
    benchmark::RunSpecifiedBenchmarks(&display);
    long long b1 = mono_ns();
    benchmark::Shutdown();

    KvRecord took = protocol::make_record(protocol::FrameType::Note);
    took.set("key", "bench_seconds");
    took.set("text", std::to_string(static_cast<double>(b1 - b0) / 1e9));
    port.send(took);
    // Which clock timed everything: a fallback to jiffies would quantise samples to 4 ms.
    std::string cs = mh::read_text_file("/sys/devices/system/clocksource/clocksource0/current_clocksource").value_or("");
    while (!cs.empty() && cs.back() == '\n') cs.pop_back();
    ctx.on_note("clocksource", cs);
    port.send_chunked("gbench", mh::read_text_file(kJsonPath).value_or(""));
    clock_check(port, "end", manifest->skew_sleep_s);

    KvRecord end = protocol::make_record(protocol::FrameType::End);
    port.send(end);
    power_off();
}
