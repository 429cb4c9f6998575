// Tests for the Debian version order against pairs whose dpkg order is known, and against dpkg itself where it is installed.
#include "harness/kernels/debian_version.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using mh::kernels::compare_debian_versions;

int sign(int v) { return (v > 0) - (v < 0); }

struct Pair {
    const char* a;
    const char* b;
    int expected;  // sign of compare(a, b)
};

// Orders checked with `dpkg --compare-versions` (dpkg 1.21, Debian 12).
const std::vector<Pair> kPairs = {
    {"6.1.170-3", "6.1.176-1", -1},
    {"6.1.192-2", "6.1.192-3", -1},
    {"6.1.0-50", "6.1.0-100", -1},  // numbers, not strings
    {"6.1.0-9", "6.1.0-10", -1},
    {"6.12.117-1~deb12u1", "6.12.117-1", -1},  // '~' before the end
    {"6.12.117-1~deb12u1", "6.12.118-1~deb12u1", -1},
    {"6.12.9-1", "6.12.10-1", -1},
    {"6.1.192-3", "6.12.107-1~deb12u1", -1},  // 1 < 12 in the second number
    {"1:1.0", "2.0", 1},  // the epoch wins
    {"1.0", "1.0-0", 0},  // no revision orders as revision 0
    {"1.0", "1.00", 0},  // leading zeros
    {"1.0a", "1.0", 1},
    {"1.0~rc1", "1.0", -1},
    {"1.0+b1", "1.0a", 1},  // non-letters after letters
    {"1.0.1", "1.0a", 1},  // "." (not a letter) after "a"
    {"2.30-1", "2.30-1", 0},
    {"6.12.115+deb12", "6.12.117+deb12", -1},
    {"6.1.0-57", "6.1.0-50", 1},
};

TEST(DebianVersion, KnownPairs) {
    for (const auto& p : kPairs) {
        EXPECT_EQ(sign(compare_debian_versions(p.a, p.b)), p.expected) << p.a << " vs " << p.b;
        EXPECT_EQ(sign(compare_debian_versions(p.b, p.a)), -p.expected) << p.b << " vs " << p.a;
    }
}

TEST(DebianVersion, AgreesWithDpkgWhereInstalled) {
    if (std::system("command -v dpkg >/dev/null 2>&1") != 0) GTEST_SKIP() << "dpkg is not installed";
    const std::vector<std::string> versions = {"6.1.170-3",
                                               "6.1.176-1",
                                               "6.1.192-3",
                                               "6.12.107-1~deb12u1",
                                               "6.12.117-1~deb12u1",
                                               "6.12.117-1",
                                               "1:0.1",
                                               "1.0~rc1",
                                               "1.0",
                                               "1.0+b1",
                                               "1.0a",
                                               "1.0.1",
                                               "6.1.0-50",
                                               "6.1.0-100",
                                               "6.12.115+deb12",
                                               "2.0-1.1",
                                               "2.0-1a",
                                               "2.0-1~bpo1"};
    // Sorted in our order, each neighbour pair must be in dpkg's order too (with transitivity,
    // that is the whole order) -- one dpkg run per pair keeps the test short.
    auto sorted = versions;
    std::sort(sorted.begin(), sorted.end(), mh::kernels::debian_version_less);
    for (size_t i = 1; i < sorted.size(); ++i) {
        const std::string op = compare_debian_versions(sorted[i - 1], sorted[i]) == 0 ? "eq" : "lt";
        const std::string cmd = "dpkg --compare-versions '" + sorted[i - 1] + "' " + op + " '" + sorted[i] + "'";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
}

}  // namespace
