// Type-aware and malformed module parameter strings (see param_mutations.h).
#include "harness/mutate/param_mutations.h"

#include <array>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace mh::mutate {

namespace {

std::string_view view(std::span<const uint8_t> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Each occurrence of `key` (e.g. "parmtype=") followed by NAME:REST up to NUL.
std::vector<std::pair<std::string, std::string>> entries(std::string_view s, std::string_view key) {
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t at = s.find(key); at != std::string_view::npos && out.size() < 64; at = s.find(key, at + 1)) {
        const size_t start = at + key.size();
        const size_t end = s.find('\0', start);
        if (end == std::string_view::npos || end - start > 256) continue;
        const std::string_view e = s.substr(start, end - start);
        const size_t colon = e.find(':');
        if (colon == std::string_view::npos || colon == 0) continue;
        out.emplace_back(std::string(e.substr(0, colon)), std::string(e.substr(colon + 1)));
    }
    return out;
}

std::string int_value(elf::malform::Rng& rng) {
    static constexpr std::array<std::string_view, 14> edge{
        "0",   "-1",  "1", "2147483647", "-2147483648", "2147483648", "4294967295", "4294967296", "99999999999999999999", "0x10",
        "010", "1e3", "",  "-"};
    if (rng.below(2)) return std::to_string(static_cast<int>(rng.below(40)) - 4);  // small values: most likely branch points
    return std::string(edge[rng.below(edge.size())]);
}

std::string bool_value(elf::malform::Rng& rng) {
    static constexpr std::array<std::string_view, 9> v{"y", "n", "Y", "N", "1", "0", "on", "off", "maybe"};
    return std::string(v[rng.below(v.size())]);
}

std::string string_value(elf::malform::Rng& rng) {
    switch (rng.below(6)) {
        case 0: return "";
        case 1: return "\"quoted value\"";
        case 2: return "\"unterminated";
        case 3: return std::string(1 + rng.below(700), static_cast<char>('a' + rng.below(26)));
        case 4: return "a,b,c";
        default: {
            std::string s;
            for (size_t i = 0, n = 1 + rng.below(12); i < n; ++i) s += static_cast<char>(0x21 + rng.below(94));
            return s;
        }
    }
}

std::string value_for(const ModuleParam& p, elf::malform::Rng& rng) {
    if (rng.below(8) == 0) return string_value(rng);  // wrong type on purpose
    if (p.type.find("bool") != std::string::npos) return bool_value(rng);
    if (p.type.find("charp") != std::string::npos || p.type.find("string") != std::string::npos) return string_value(rng);
    return int_value(rng);
}

}  // namespace

std::vector<ModuleParam> declared_params(std::span<const uint8_t> image) {
    const std::string_view s = view(image);
    std::vector<ModuleParam> out;
    for (auto& [name, type] : entries(s, "parmtype=")) out.push_back({name, type});
    for (auto& [name, desc] : entries(s, "parm=")) {
        bool known = false;
        for (const auto& p : out) known |= p.name == name;
        if (!known) out.push_back({name, ""});
    }
    return out;
}

namespace {

// Nudges one NAME=<integer> token by a small amount (arithmetic, as AFL's arith stage does):
// after a comparison gave new coverage at depth=20, depth=13 is a few steps away.
std::optional<std::string> nudge_int(const std::string& current, elf::malform::Rng& rng) {
    std::vector<std::pair<size_t, size_t>> ints;  // value start, length
    for (size_t at = 0; at < current.size();) {
        size_t end = current.find(' ', at);
        if (end == std::string::npos) end = current.size();
        const size_t eq = current.find('=', at);
        if (eq != std::string::npos && eq < end && eq + 1 < end) {
            size_t i = eq + 1 + (current[eq + 1] == '-');
            bool digits = i < end;
            for (size_t k = i; k < end; ++k) digits &= current[k] >= '0' && current[k] <= '9';
            if (digits && end - eq - 1 < 12) ints.emplace_back(eq + 1, end - eq - 1);
        }
        at = end + 1;
    }
    if (ints.empty()) return std::nullopt;
    const auto [start, len] = ints[rng.below(ints.size())];
    const long long v = std::atoll(current.substr(start, len).c_str());
    const long long delta = static_cast<long long>(1 + rng.below(4)) * (rng.below(2) ? 1 : -1);
    return current.substr(0, start) + std::to_string(v + delta) + current.substr(start + len);
}

}  // namespace

const std::vector<std::string>& param_dictionary() {
    // What unknown_module_param_cb() and parse_args() look for besides declared names.
    static const std::vector<std::string> words{"nosuchparam=1", "-- after=dashes",   "async_probe",
                                                "async_probe=0", "async_probe=maybe", "dyndbg=+p"};
    return words;
}

std::string mutate_params(const std::string& current, const std::vector<ModuleParam>& declared, elf::malform::Rng& rng) {
    if (rng.below(10) < 3)
        if (auto nudged = nudge_int(current, rng)) return *nudged;
    const uint64_t choice = rng.below(10);
    if (!declared.empty() && choice < 6) {
        const ModuleParam& p = declared[rng.below(declared.size())];
        std::string one = p.name + "=" + value_for(p, rng);
        if (choice < 3 || current.empty()) return one;  // replace
        return current + " " + one;  // append (repeats and combinations)
    }
    switch (choice) {
        case 6: return "";
        case 7: {
            const auto& words = param_dictionary();
            const std::string& w = words[rng.below(words.size())];
            return current.empty() ? w : current + " " + w;
        }
        case 8: return declared.empty() ? std::string("x") : declared[0].name;  // no '='
        default: {
            std::string s = current;
            if (s.empty()) return "=";
            s[rng.below(s.size())] = static_cast<char>(rng.below(2) ? '"' : rng.below(256));
            return s;
        }
    }
}

}  // namespace mh::mutate
