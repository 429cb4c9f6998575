// Crash title -> directory name (see fnv_slug.h).
#include "harness/campaign/fnv_slug.h"

#include <cctype>

#include "harness/common/fnv.h"

namespace mh::campaign {

std::string title_slug(const std::string& title) {
    std::string s;
    for (char c : title) {
        if (s.size() >= 60) break;
        if (std::isalnum(static_cast<unsigned char>(c)))
            s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!s.empty() && s.back() != '-')
            s += '-';
    }
    while (!s.empty() && s.back() == '-') s.pop_back();
    Fnv f;
    f.add(title);
    return (s.empty() ? "crash" : s) + "-" + f.hex().substr(0, 8);
}

}  // namespace mh::campaign
