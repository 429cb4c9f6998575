// Strict option numbers (see number_option.h).
#include "harness/cli/number_option.h"

#include <cmath>
#include <cstdio>

namespace mh::cli {

Error bad_option_value(std::string_view option, std::string_view text, std::string_view why, std::string_view accepted) {
    return usage_error("--" + std::string(option) + " '" + std::string(text) + "': " + std::string(why) +
                       " (accepted: " + std::string(accepted) + ")");
}

Expected<double> parse_duration(std::string_view option, std::string_view text, double min_seconds, double max_seconds) {
    char range[96];
    std::snprintf(range, sizeof range, "%.0fs..%.0fs, e.g. 90s, 30m, 2h", min_seconds, max_seconds);
    // The number: digits with at most one '.', nothing else (from_chars alone would take "1e3", "inf", "-5").
    size_t n = 0;
    bool dot = false, digit = false;
    for (; n < text.size(); ++n) {
        const char c = text[n];
        if (c >= '0' && c <= '9')
            digit = true;
        else if (c == '.' && !dot)
            dot = true;
        else
            break;
    }
    if (!digit) return bad_option_value(option, text, "not a duration", range);
    double value = 0;
    auto [at, ec] = std::from_chars(text.data(), text.data() + n, value);
    if (ec != std::errc() || at != text.data() + n) return bad_option_value(option, text, "not a duration", range);
    const std::string_view unit = text.substr(n);
    double scale = 0;
    if (unit.empty() || unit == "s")
        scale = 1;
    else if (unit == "m" || unit == "min")
        scale = 60;
    else if (unit == "h")
        scale = 3600;
    else
        return bad_option_value(option, text, "unknown unit '" + std::string(unit) + "'", range);
    value *= scale;
    if (!std::isfinite(value) || value < min_seconds || value > max_seconds) return bad_option_value(option, text, "out of range", range);
    return value;
}

}  // namespace mh::cli
