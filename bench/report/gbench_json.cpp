// Google Benchmark JSON -> samples in nanoseconds.
#include "bench/report/gbench_json.h"

#include <nlohmann/json.hpp>

namespace mh::bench {
namespace {

double number(const nlohmann::json& b, const char* key, double fallback = 0) {
    auto it = b.find(key);
    return it != b.end() && it->is_number() ? it->get<double>() : fallback;
}

}  // namespace

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

std::string sanitize_gbench_json(const std::string& text) {
    // Google Benchmark prints non-finite aggregates (the cv of all-zero counters) as bare NaN/inf,
    // which JSON does not allow. They only ever appear as values, after ": ".
    static const char* const kBad[] = {"-NaN", "NaN", "-nan", "nan", "-Infinity", "Infinity", "-inf", "inf"};
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        bool replaced = false;
        if (i >= 2 && text[i - 1] == ' ' && text[i - 2] == ':') {
            for (const char* bad : kBad) {
                std::string_view b(bad);
                if (text.compare(i, b.size(), b) == 0) {
                    out += "null";
                    i += b.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += text[i++];
    }
    return out;
}

Expected<std::map<std::string, SeriesData>> parse_gbench_json(const std::string& raw) {
    nlohmann::json j;
    std::string text = sanitize_gbench_json(raw);
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
            s.err = static_cast<int>(number(b, "errno", s.err));
            continue;
        }
        std::string unit = b.value("time_unit", "ns");
        double scale = unit == "s" ? 1e9 : unit == "ms" ? 1e6 : unit == "us" ? 1e3 : 1.0;
        s.ns.push_back(number(b, "real_time") * scale);
        if (b.contains("unload_ns") && b["unload_ns"].is_number()) s.unload_ns.push_back(number(b, "unload_ns"));
        s.bytes = number(b, "bytes", s.bytes);
        s.err = static_cast<int>(number(b, "errno", s.err));
    }
    return out;
}

}  // namespace mh::bench
