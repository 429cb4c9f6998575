// Fuzz mode of the guest /init: runs a fuzzing engine (libFuzzer binary or afl-fuzz) as a child and
// reports to the host what it cannot report itself — new kernel PCs, new corpus files, stats, and,
// when the engine dies with the kernel (oops, KASAN/WARN taint, hang), the input that did it.
#pragma once

#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/executor/guest_env.h"

namespace mh::executor {

inline constexpr const char* kFuzzConfPath = "/mh/fuzz.conf";

struct FuzzSupervisorConfig {
    std::vector<std::string> argv;  // the engine command line
    std::vector<std::string> env;  // extra KEY=VALUE for the engine
    std::string watch_dir = "/tmp/corpus";  // new files here are sent to the host
    std::vector<std::string> make_dirs;  // created before the engine starts
    int hang_seconds = 20;  // no exec progress this long: a hang
    int stats_seconds = 2;
    // Where peer inputs the host relays go ("dir:/tmp/corpus", "afl:/tmp/afl"; peer_import.h);
    // empty: the VM takes none.
    std::string import;
};

// kv lines: "type=fuzz hang_s=.. stats_s=.. watch=DIR [import=dir:D|afl:D]", "type=arg value=..", "type=env value=K=V",
// "type=mkdir value=DIR".
Expected<FuzzSupervisorConfig> parse_fuzz_conf(const std::string& text);

// Never returns: powers the VM off at the end.
[[noreturn]] void run_fuzz_supervisor(ResultsPort& port, const FuzzSupervisorConfig& config);

}  // namespace mh::executor
