// Recorded inputs: relative lengths resolved as the guest passed them, image size and hash,
// malformations, and the echo check that turns a disagreement into BROK.
#include "harness/session/case_input.h"

#include <gtest/gtest.h>

#include "harness/session/input_hash.h"

using namespace mh;
using namespace mh::session;

namespace {

// A case as build_batch leaves it: its image resolved to `image_bytes` bytes.
HostCase built(const std::string& line, uint64_t image_bytes = 5000) {
    auto hc = parse_host_case(line, "t:1", 0);
    EXPECT_TRUE(hc.ok()) << line;
    if (hc->image != "none") {
        hc->image_bytes = image_bytes;
        hc->image_hash = image_hash(std::string(image_bytes, 'x'));
    }
    return *hc;
}

KvRecord frame(const std::string& len) {
    KvRecord r;
    r.set("ret", "-1");
    r.set("errno", "8");
    if (!len.empty()) r.set("len", len);
    return r;
}

}  // namespace

// The three relative lengths of conformance/cases/default.cases were recorded as their offset
// alone (len: 1, 2, 1); the record now holds the length passed and the expression.
TEST(CaseInput, RelativeLengthsAreRecordedResolved) {
    struct Want {
        const char* line;
        uint64_t len;
        const char* expr;
    };
    for (Want w : {Want{"id=b7-len-minus-1 call=init image=seed:sentinel len=image-1", 4999, "image-1"},
                   Want{"id=b7-mmap-len-half call=init image=seed:sentinel buf=mmap len=image/2", 2500, "image/2"},
                   Want{"id=b3-guard-tail-plus1 call=init image=seed:sentinel buf=guard_tail len=image+1", 5001, "image+1"},
                   Want{"id=b3-guard-tail-plus64k call=init image=seed:sentinel buf=guard_tail len=image+65536", 70536, "image+65536"}}) {
        HostCase hc = built(w.line);
        EXPECT_EQ(resolved_len(hc), w.len) << w.line;
        // From the host alone (no frame came back) and from the guest's agreeing echo: the same record.
        for (const auto& guest : {std::optional<KvRecord>{}, std::optional<KvRecord>{frame(std::to_string(w.len))}}) {
            auto in = input_to_json(hc, guest);
            EXPECT_EQ(in["len"], w.len) << w.line;
            EXPECT_EQ(in["len_expr"], w.expr) << w.line;
            EXPECT_FALSE(in.contains("len_resolved")) << w.line;
            EXPECT_EQ(in["image_bytes"], 5000u);
            EXPECT_EQ(in["seed"], "sentinel");
        }
        EXPECT_EQ(input_echo_mismatch(hc, frame(std::to_string(w.len))), "") << w.line;
    }
}

TEST(CaseInput, EveryInitRecordStatesItsLength) {
    auto in = input_to_json(built("id=a call=init image=seed:ok"), std::nullopt);
    EXPECT_EQ(in["len"], 5000u) << "the default length is the image's";
    EXPECT_FALSE(in.contains("len_expr"));
    in = input_to_json(built("id=b call=init image=none buf=null len=4096"), std::nullopt);
    EXPECT_EQ(in["len"], 4096u);
    EXPECT_EQ(in["len_expr"], "4096");
    EXPECT_FALSE(in.contains("image_hash")) << "image=none loads no bytes";
    in = input_to_json(built("id=c call=init image=none buf=null len=-1"), std::nullopt);
    EXPECT_EQ(in["len"], ~uint64_t{0});
    in = input_to_json(built("id=d call=finit image=seed:ok flags=4"), std::nullopt);
    EXPECT_FALSE(in.contains("len"));
    EXPECT_EQ(in["flags"], 4u);
    EXPECT_EQ(in["image_hash"], image_hash(std::string(5000, 'x')));
    EXPECT_EQ(in["image_hash"].get<std::string>().rfind("fnv1a64:", 0), 0u);
}

TEST(CaseInput, MalformationsParamsAndSetupAreRecorded) {
    auto in =
        input_to_json(built("id=m call=finit image=seed:sentinel malform=ehdr-bad-magic,trailing-zeros malform_seed=7", 63), std::nullopt);
    EXPECT_EQ(in["malform"], (nlohmann::json{"ehdr-bad-magic", "trailing-zeros"}));
    EXPECT_EQ(in["malform_seed"], 7u);
    EXPECT_EQ(in["image_bytes"], 63u);
    in = input_to_json(built("id=p call=finit image=seed:params params=sval= params_fill=1100 concurrent=2 race=init sysctl=kernel/x=1"),
                       std::nullopt);
    EXPECT_EQ(in["params"], "sval=");
    EXPECT_EQ(in["params_fill"], 1100u) << "the 1100 'x' bytes passed after sval= are part of the input";
    EXPECT_EQ(in["concurrent"], 2);
    EXPECT_EQ(in["race"], "init");
    EXPECT_EQ(in["len"], 5000u) << "the race's last caller uses init_module with the image's length";
    EXPECT_EQ(in["fd"], "file");
    EXPECT_EQ(in["sysctl"], "kernel/x=1");
    EXPECT_EQ(input_to_json(built("id=f call=finit image=file:/x.ko"), std::nullopt).count("seed"), 0u);
}

// A case whose malformation did not apply was never built: no length is claimed for it.
TEST(CaseInput, UnbuiltImageHasNoResolvedLength) {
    auto hc = parse_host_case("id=s call=init image=seed:sentinel len=image-1", "t:1", 0);
    ASSERT_TRUE(hc.ok());
    EXPECT_EQ(resolved_len(*hc), std::nullopt);
    auto in = input_to_json(*hc, std::nullopt);
    EXPECT_FALSE(in.contains("len"));
    EXPECT_EQ(in["len_expr"], "image-1");
}

TEST(CaseInput, EchoMismatchIsNamedAndBothValuesKept) {
    HostCase hc = built("id=b7-len-minus-1 call=init image=seed:sentinel len=image-1");
    std::string why = input_echo_mismatch(hc, frame("1"));
    EXPECT_NE(why.find("passed len 1"), std::string::npos) << why;
    EXPECT_NE(why.find("len=image-1 of a 5000-byte image to 4999"), std::string::npos) << why;
    auto in = input_to_json(hc, frame("1"));
    EXPECT_EQ(in["len"], 1u) << "the record says what ran";
    EXPECT_EQ(in["len_resolved"], 4999u);
    // Hostile or odd frames: named, never trusted, never a crash.
    EXPECT_NE(input_echo_mismatch(hc, frame("12abc")), "");
    EXPECT_NE(input_echo_mismatch(hc, frame("-1")), "");
    EXPECT_NE(input_echo_mismatch(hc, frame("99999999999999999999999")), "");
    EXPECT_EQ(input_to_json(hc, frame("12abc"))["len"], 4999u);
    EXPECT_EQ(input_echo_mismatch(hc, frame("")), "") << "a frame without len says nothing";
    EXPECT_NE(input_echo_mismatch(built("id=f call=finit image=seed:ok"), frame("10")), "");
    // k8-init-races-finit: finit callers and one init caller; its echo is checked like any other.
    HostCase race = built("id=k8 call=finit image=seed:params concurrent=2 race=init");
    EXPECT_EQ(input_echo_mismatch(race, frame("5000")), "");
    EXPECT_NE(input_echo_mismatch(race, frame("4999")), "");
}
