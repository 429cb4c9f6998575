// Checking a campaign's options: each bad option is refused with the message a user sees.
#include "harness/campaign/check_options.h"

#include <gtest/gtest.h>

namespace mh::campaign {
namespace {

CampaignOptions good() {
    CampaignOptions o;
    o.out = "/tmp/mh-campaign";
    return o;
}

std::string refusal(const CampaignOptions& o) {
    auto s = check_options(o);
    return s ? "" : s.error().message;
}

TEST(CheckOptions, AcceptsTheDefaultsWithAnOutDir) {
    EXPECT_TRUE(check_options(good()).ok());
    CampaignOptions o = good();
    o.jobs = 64;
    o.weights = "catalogue=10,call=0";
    EXPECT_TRUE(check_options(o).ok());
}

TEST(CheckOptions, RefusesEachBadOption) {
    CampaignOptions o = good();
    o.out.clear();
    EXPECT_EQ(refusal(o), "--out is required");
    for (int jobs : {0, -1, 65}) {
        o = good();
        o.jobs = jobs;
        EXPECT_EQ(refusal(o), "--jobs must be 1..64") << jobs;
    }
    for (double d : {0.0, -5.0}) {
        o = good();
        o.duration_s = d;
        EXPECT_EQ(refusal(o), "--duration must be positive") << d;
    }
    o = good();
    o.weights = "nonsense";
    EXPECT_EQ(refusal(o), "weights: 'nonsense' is not NAME=0..1000 (names: catalogue, field, bytes, call)");
}

// Every refusal is a usage error (exit 2); a seed typo is caught before any kernel or build.
TEST(CheckOptions, RefusalsAreUsageErrorsAndSeedNamesAreChecked) {
    CampaignOptions o = good();
    o.jobs = 0;
    EXPECT_EQ(check_options(o).error().kind, ErrorKind::kUsage);
    o = good();
    o.seeds = {"ok", "no-such-seed"};
    auto s = check_options(o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::kUsage);
    EXPECT_NE(s.error().message.find("--seeds: unknown seed module 'no-such-seed' (known: ok,"), std::string::npos) << s.error().message;
    o.seeds = {"ok", "big_64m"};
    EXPECT_TRUE(check_options(o).ok());
}

TEST(CheckOptions, FirstProblemWins) {
    CampaignOptions o;
    o.jobs = 0;
    o.duration_s = 0;
    EXPECT_EQ(refusal(o), "--out is required");
    o.out = "/tmp/x";
    EXPECT_EQ(refusal(o), "--jobs must be 1..64");
}

}  // namespace
}  // namespace mh::campaign
