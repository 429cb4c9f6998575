// observation_from_record: std::from_chars for every number, so no input can overflow or throw.
#include "harness/session/guest_observation.h"

#include <charconv>
#include <string_view>
#include <system_error>

namespace mh::session {
namespace {

// Decimal with an optional '-', the whole string or nothing (0).
template <typename T>
T number(std::string_view s) {
    T v{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    return ec == std::errc() && end == s.data() + s.size() ? v : T{};
}

// Taints as the executor writes them: "0x..." hex (plain hex accepted too).
std::uint64_t hex(std::string_view s) {
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

template <typename T>
std::vector<T> numbers(std::string_view list) {
    std::vector<T> out;
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        out.push_back(number<T>(list.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

verdict::Observation observation_from_record(const KvRecord& r) {
    verdict::Observation o;
    o.setup_error = r.get_or("setup_error", "");
    o.has_result = r.has("ret");
    o.ret = number<long>(r.get_or("ret", "0"));
    o.err = number<int>(r.get_or("errno", "0"));
    o.timed_out = r.get("timed_out") == "1";
    o.signal = number<int>(r.get_or("signal", "0"));
    o.taint_before = hex(r.get_or("taint_before", "0"));
    o.taint_after = hex(r.get_or("taint_after", "0"));
    if (auto rets = r.get("rets")) o.caller_rets = numbers<long>(*rets);
    if (auto errs = r.get("errnos")) o.caller_errs = numbers<int>(*errs);
    return o;
}

}  // namespace mh::session
