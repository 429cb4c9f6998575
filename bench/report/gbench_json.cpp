// Google Benchmark JSON -> samples in nanoseconds.
#include "bench/report/gbench_json.h"

#include <nlohmann/json.hpp>

namespace mh::bench {

std::string base_benchmark_name(const std::string& gb_name) {
    std::string out;
    size_t pos = 0;
    while (pos <= gb_name.size()) {
        size_t end = gb_name.find('/', pos);
        if (end == std::string::npos) end = gb_name.size();
        std::string part = gb_name.substr(pos, end - pos);
        if (part.find(':') == std::string::npos && part != "manual_time" && part != "real_time") {
            if (!out.empty()) out += '/';
            out += part;
        }
        pos = end + 1;
    }
    return out;
}

Expected<std::map<std::string, SeriesData>> parse_gbench_json(const std::string& text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        return make_error(std::string("benchmark JSON: ") + e.what());
    }
    if (!j.contains("benchmarks") || !j["benchmarks"].is_array()) return make_error("benchmark JSON has no benchmarks array");
    std::map<std::string, SeriesData> out;
    for (const auto& b : j["benchmarks"]) {
        if (b.value("run_type", "iteration") != "iteration") continue;
        std::string name = base_benchmark_name(b.value("run_name", b.value("name", "")));
        auto& s = out[name];
        s.name = name;
        if (b.value("error_occurred", false)) {
            ++s.errors;
            s.error = b.value("error_message", "error");
            if (b.contains("errno")) s.err = static_cast<int>(b["errno"].get<double>());
            continue;
        }
        std::string unit = b.value("time_unit", "ns");
        double scale = unit == "s" ? 1e9 : unit == "ms" ? 1e6 : unit == "us" ? 1e3 : 1.0;
        s.ns.push_back(b.value("real_time", 0.0) * scale);
        if (b.contains("unload_ns")) s.unload_ns.push_back(b["unload_ns"].get<double>());
        if (b.contains("bytes")) s.bytes = b["bytes"].get<double>();
        if (b.contains("errno")) s.err = static_cast<int>(b["errno"].get<double>());
    }
    return out;
}

}  // namespace mh::bench
