// Text helpers shared by the data-file parsers.
#include "harness/common/text.h"

#include <cstdio>

#include <sstream>

namespace mh {

std::string hex(unsigned long long v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", v);
    return b;
}

std::string trim(std::string_view s) {
    size_t b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    size_t e = s.find_last_not_of(kSpace);
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const size_t at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) return out;
        s.remove_prefix(at + 1);
    }
}

std::vector<std::string> split_trimmed(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in{std::string(s)};
    while (std::getline(in, item, sep)) out.push_back(trim(item));
    return out;
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

}  // namespace mh
