// Reads Google Benchmark JSON as the guest bench writes it: one sample per repetition.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::bench {

struct SeriesData {
    std::string name;  // "load/finit_warm/64m" (GB's /iterations:1/... suffixes removed)
    std::vector<double> ns;  // one per repetition (manual time)
    std::vector<double> unload_ns;  // delete_module, timed right after each load
    double bytes = 0;
    int err = 0;  // last errno counter seen (rejections: the errno of saying no)
    std::string error;  // error_message when a repetition was skipped with an error
    size_t errors = 0;
};

// "load/buffer/8k/iterations:1/repeats:9/manual_time" -> "load/buffer/8k".
std::string base_benchmark_name(const std::string& gb_name);

// Bare NaN / inf values (Google Benchmark writes them for degenerate aggregates) -> null.
std::string sanitize_gbench_json(const std::string& text);

// Per-repetition entries (run_type "iteration") grouped by base name; aggregates ignored.
Expected<std::map<std::string, SeriesData>> parse_gbench_json(const std::string& text);

}  // namespace mh::bench
