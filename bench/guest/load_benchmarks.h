// Registers the in-guest Google Benchmark cases (load paths by size, xz, rejections, calibration).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/guest/bench_manifest.h"

namespace mh::bench {

// What every benchmark needs besides the manifest; owned by main, outlives RunSpecifiedBenchmarks.
struct BenchContext {
    Manifest manifest;
    std::map<std::string, std::vector<char>> buffers;  // path -> bytes, for the "already in memory" path
    // Called once per measured repetition (the host's liveness signal and a raw backup of samples).
    std::function<void(const std::string& name, long long ns, int err)> on_sample;
    // Called for facts worth a line in the report (e.g. "xz: EOPNOTSUPP").
    std::function<void(const std::string& key, const std::string& text)> on_note;
};

// Benchmark names (parsed by the host, bench/report/gbench_json.h):
//   load/<path>/<label>   path: buffer, read_init, mmap, finit_warm, finit_cold
//   xz/<path>/<label>     path: finit_compressed, user_xz
//   reject/<class>/<call>
//   calib/<what>          memcpy, pagecache_read, cold_read
// Every timed sample is one operation (Iterations(1)), repetitions = samples; counters: bytes,
// errno, unload_ns (load paths: delete_module timed separately, right after the load).
void register_benchmarks(BenchContext& ctx);

}  // namespace mh::bench
