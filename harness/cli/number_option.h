// Strict numbers for command-line options: the whole value is one number inside the option's range,
// or a usage error naming the option, the value and the range ("2x", "-1", "abc" are never numbers).
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

#include "harness/cli/args.h"
#include "harness/common/expected.h"

namespace mh::cli {

// "--NAME 'TEXT': WHY (accepted: RANGE)": the one wording every bad option value gets.
Error bad_option_value(std::string_view option, std::string_view text, std::string_view why, std::string_view accepted);

// A whole number in [min, max]: decimal, or hexadecimal with 0x (unsigned only). No sign for
// unsigned types, no '+', no spaces, no suffix. `option` is the name without dashes ("jobs").
template <typename T>
Expected<T> parse_number(std::string_view option, std::string_view text, T min, T max) {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    const std::string accepted = std::to_string(min) + ".." + std::to_string(max);
    int base = 10;
    std::string_view digits = text;
    if (std::is_unsigned_v<T> && digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits.remove_prefix(2);
    }
    T value{};
    const char* end = digits.data() + digits.size();
    auto [at, ec] = std::from_chars(digits.data(), end, value, base);
    if (ec == std::errc::result_out_of_range) return bad_option_value(option, text, "out of range", accepted);
    if (digits.empty() || ec != std::errc() || at != end) return bad_option_value(option, text, "not a whole number", accepted);
    if (value < min || value > max) return bad_option_value(option, text, "out of range", accepted);
    return value;
}

// The option's value as a number, `fallback` when the option is absent.
template <typename T>
Expected<T> number_option(const ParsedArgs& args, std::string_view option, T fallback, T min, T max) {
    auto text = args.get(std::string(option));
    if (!text) return fallback;
    return parse_number<T>(option, *text, min, max);
}

// A duration in seconds: a number (fractions allowed) with an optional unit s, m/min or h
// ("90s", "30m", "1.5h"; no unit = seconds), inside [min_seconds, max_seconds].
Expected<double> parse_duration(std::string_view option, std::string_view text, double min_seconds, double max_seconds);

}  // namespace mh::cli
