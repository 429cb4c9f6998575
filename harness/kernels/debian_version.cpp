// Debian package version order: the algorithm of dpkg's verrevcmp (lib/dpkg/version.c).
#include "harness/kernels/debian_version.h"

#include <cctype>

namespace mh::kernels {
namespace {

struct Parts {
    unsigned long epoch = 0;
    std::string_view upstream;
    std::string_view revision;
};

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// "[epoch:]upstream[-revision]": the epoch only when all digits before the first ':', the
// revision after the last '-' ("" when there is none, which dpkg orders like "0").
Parts split_version(std::string_view v) {
    Parts p;
    if (auto colon = v.find(':'); colon != std::string_view::npos && colon > 0) {
        bool digits = true;
        unsigned long epoch = 0;
        for (char c : v.substr(0, colon)) {
            digits = digits && is_digit(c);
            if (digits && epoch < 100000000ul) epoch = epoch * 10 + static_cast<unsigned long>(c - '0');
        }
        if (digits) {
            p.epoch = epoch;
            v.remove_prefix(colon + 1);
        }
    }
    if (auto dash = v.rfind('-'); dash != std::string_view::npos) {
        p.upstream = v.substr(0, dash);
        p.revision = v.substr(dash + 1);
    } else {
        p.upstream = v;
    }
    return p;
}

// A character's weight in a non-digit run: '~' below the end of the string, letters below
// everything else; digits (and the end) are 0.
int order(std::string_view s, std::size_t i) {
    if (i >= s.size() || is_digit(s[i])) return 0;
    const char c = s[i];
    if (is_alpha(c)) return static_cast<unsigned char>(c);
    if (c == '~') return -1;
    return static_cast<unsigned char>(c) + 256;
}

int verrevcmp(std::string_view a, std::string_view b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
            const int ac = order(a, i), bc = order(b, j);
            if (ac != bc) return ac - bc;
            if (i < a.size()) ++i;
            if (j < b.size()) ++j;
        }
        while (i < a.size() && a[i] == '0') ++i;
        while (j < b.size() && b[j] == '0') ++j;
        int first_diff = 0;
        while (i < a.size() && is_digit(a[i]) && j < b.size() && is_digit(b[j])) {
            if (first_diff == 0) first_diff = a[i] - b[j];
            ++i;
            ++j;
        }
        if (i < a.size() && is_digit(a[i])) return 1;  // a's number has more digits
        if (j < b.size() && is_digit(b[j])) return -1;
        if (first_diff != 0) return first_diff;
    }
    return 0;
}

}  // namespace

int compare_debian_versions(std::string_view a, std::string_view b) {
    const Parts pa = split_version(a), pb = split_version(b);
    if (pa.epoch != pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
    if (int c = verrevcmp(pa.upstream, pb.upstream); c != 0) return c;
    return verrevcmp(pa.revision, pb.revision);
}

}  // namespace mh::kernels
