// An engine's command line inside a fuzz VM (see engine_run.h), and where the guest engines are.
#include "harness/campaign/engine_run.h"

#include <algorithm>
#include <cstdlib>

#include "harness/common/files.h"
#include "harness/paths/artefact_paths.h"
#include "harness/host/file_tail.h"

namespace mh::campaign {

namespace fs = std::filesystem;

// engine_names and guest_fuzzer_path are declared in campaign.h: the CLI uses them.
const std::vector<std::string>& engine_names() {
    static const std::vector<std::string> names{"libfuzzer", "libfuzzer-bytes", "random", "aflpp"};
    return names;
}

Expected<fs::path> guest_fuzzer_path(const std::string& variant, const fs::path& dir) {
    fs::path d = dir;
    if (d.empty()) d = paths::artefact_path(paths::Artefact::kGuestFuzzers);
    const fs::path p = d / ("mh-fuzz-" + variant);
    std::error_code ec;
    if (d.empty() || !fs::exists(p, ec))
        return environment_error("guest fuzzer " + p.string() + " not found (build the mh-guest-fuzzers target; it needs clang)");
    return p;
}

bool relays_peers(const CampaignOptions& o) { return o.sync && (o.jobs > 1 || !o.sync_dir.empty()); }

std::string afl_instance_name(int job) { return job == 0 ? "main" : "s" + std::to_string(job); }

Expected<EngineRun> engine_run(const CampaignOptions& o, double seconds, uint64_t seed, size_t max_len, int job) {
    EngineRun r;
    const bool relay = relays_peers(o);
    std::string variant;
    if (o.engine == "libfuzzer")
        variant = "structured";
    else if (o.engine == "libfuzzer-bytes")
        variant = "bytes";
    else if (o.engine == "random")
        variant = "random";
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
            if (!fs::exists(p, ec))
                return environment_error(p.string() +
                                         " not found (engine aflpp needs AFL++: apt-get install afl++, then build mh-guest-fuzzers)");
        std::string so = read_text_file(stripped_copy(mutator, o.out / "work" / "bin")).value_or("");
        if (so.empty()) return environment_error("cannot read " + mutator.string());
        r.files.push_back({"fuzz/mh-afl-mutator.so", std::move(so)});
        r.extra_programs = {afl_fuzz};
        // With sync, job 0 is the -M main node (it runs the stage through -F, which only a main
        // may) and the others -S secondaries; the host relays the peers' queues into /tmp/afl in
        // AFL++'s sync_dir layout and AFL++ imports them itself (secondaries from main only).
        const std::string me = relay ? afl_instance_name(job) : "main";
        r.argv = {afl_fuzz.string(), "-i", "/mh", "-o", "/tmp/afl", me == "main" ? "-M" : "-S", me};
        if (me == "main") r.argv.insert(r.argv.end(), {"-F", "/mh-stage"});
        r.argv.insert(r.argv.end(), {"-V", std::to_string(std::max(1, static_cast<int>(seconds))), "-t", "30000", "-m", "none", "-s",
                                     std::to_string(static_cast<uint32_t>(seed) | 1u), "--", "/fuzz/engine"});
        r.env = {"AFL_CUSTOM_MUTATOR_LIBRARY=/fuzz/mh-afl-mutator.so",
                 "AFL_CUSTOM_MUTATOR_ONLY=1",
                 "AFL_DISABLE_TRIM=1",
                 "AFL_NO_UI=1",
                 "AFL_SKIP_CPUFREQ=1",
                 "AFL_NO_AFFINITY=1",
                 "AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1",
                 "AFL_FAST_CAL=1",
                 "AFL_IMPORT_FIRST=1",
                 "MH_AFL_MAX_LEN=" + std::to_string(max_len),
                 "MH_AFL_EXPORT_DIR=/tmp/mh-afl-new"};
        // The fuzz kernel has no flock(): AFL++ tolerates that only for an output dir that exists.
        r.dirs = {"/tmp/afl", "/tmp/afl/" + me};
        r.watch = "/tmp/mh-afl-new";
        if (relay) {
            r.env.push_back("AFL_SYNC_TIME=1");  // minutes between syncs (default 30: a campaign's whole run)
            r.import = "afl:/tmp/afl";
        }
        return r;
    } else
        return usage_error("unknown engine '" + o.engine + "' (libfuzzer, libfuzzer-bytes, random, aflpp)");
    MH_TRY_ASSIGN(binary, guest_fuzzer_path(variant, o.guest_fuzz_dir));
    r.binary = binary;
    r.argv = {"/fuzz/engine", "-max_total_time=" + std::to_string(std::max(1, static_cast<int>(seconds))),
              "-timeout=0",  // per-input timeouts need setitimer (no POSIX timers in the fuzz kernel); the supervisor watches hangs
              "-rss_limit_mb=0", "-max_len=" + std::to_string(max_len), "-seed=" + std::to_string(static_cast<uint32_t>(seed) | 1u),
              "-print_final_stats=1",
              // -reload=1 re-reads the output corpus (where relayed peer inputs land) every second.
              relay ? "-reload=1" : "-reload=0",
              "-entropic=0",  // entropic re-weighs the whole corpus on every new input: too slow here
              "/tmp/corpus", "/mh/seeds", "/mh-stage", "/mh/corpus"};
    if (relay) r.import = "dir:/tmp/corpus";
    return r;
}

}  // namespace mh::campaign
