// --resume matching: ids unique across case files, records of another kernel refused, a case
// whose resolved input changed (case line or image bytes) run again, an unchanged one kept.
#include "harness/session/resume_check.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/host/test_files.h"
#include "harness/session/batch_builder.h"
#include "harness/session/input_hash.h"

namespace mh::session {
namespace {

void write(const std::filesystem::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

std::vector<HostCase> cases_of(const std::string& text, const std::string& name) {
    auto c = parse_case_text(text, name);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : std::vector<HostCase>{};
}

TEST(ResumeCheck, DuplicateIdAcrossCaseFilesNamesBothPlaces) {
    auto all = cases_of("id=a call=none image=none\nid=b call=none image=none\n", "one.cases");
    for (auto& hc : cases_of("id=c call=none image=none\nid=b call=none image=none\n", "two.cases")) all.push_back(hc);
    auto dup = duplicate_id(all);
    ASSERT_TRUE(dup.has_value());
    EXPECT_NE(dup->find("'b'"), std::string::npos) << *dup;
    EXPECT_NE(dup->find("one.cases:2"), std::string::npos) << *dup;
    EXPECT_NE(dup->find("two.cases:2"), std::string::npos) << *dup;
    all.pop_back();
    EXPECT_FALSE(duplicate_id(all).has_value());
}

TEST(ResumeCheck, RecordsOfAnotherKernelReleaseAreRefused) {
    kernels::Kernel k;
    k.name = "debian-6.12-cloud";
    k.release = "6.12.0-1-cloud-amd64";
    RecordedResults same, other;
    same.kernel_release = {{"a", k.release}, {"b", k.release}};
    other.kernel_release = {{"a", k.release}, {"b", "6.1.0-56-cloud-amd64"}};
    EXPECT_FALSE(recorded_on_other_kernel(same, k, "out/results.jsonl").has_value());
    auto why = recorded_on_other_kernel(other, k, "out/results.jsonl");
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("6.1.0-56-cloud-amd64"), std::string::npos) << *why;
    EXPECT_NE(why->find("6.12.0-1-cloud-amd64"), std::string::npos) << *why;
    EXPECT_NE(why->find("out/results.jsonl"), std::string::npos) << *why;
}

TEST(ResumeCheck, RecordedReleaseAndInputHashAreReadBack) {
    auto rec = parse_recorded_results(
        "{\"schema\":\"modharness.result/1\",\"id\":\"a\",\"verdict\":\"PASS\",\"kernel\":{\"release\":\"6.1.0\"},\"input_hash\":\"fnv1a64:"
        "00000000000000ff\"}\n"
        "{\"schema\":\"modharness.event/1\",\"kind\":\"late-kernel-report\",\"after_id\":\"a\",\"vm\":2,\"crashes\":[{\"title\":\"WARNING in f\"}]}"
        "\n");
    EXPECT_EQ(rec.dropped, 0u);
    EXPECT_EQ(rec.kernel_release["a"], "6.1.0");
    EXPECT_EQ(rec.input_hash["a"], "fnv1a64:00000000000000ff");
    ASSERT_EQ(rec.events.size(), 1u);
    EXPECT_EQ(rec.events[0].after_id, "a");
    EXPECT_EQ(rec.events[0].vm_index, 2);
    EXPECT_EQ(rec.events[0].crashes.at(0).title, "WARNING in f");
}

TEST(ResumeCheck, CanonicalLineIgnoresSpacingAndKeyOrder) {
    auto a = cases_of("id=x  call=finit   fd=minus1 flags=4 image=none\n", "a");
    auto b = cases_of("image=none flags=4 fd=minus1 id=x call=finit\n", "b");
    auto c = cases_of("id=x call=finit fd=minus1 flags=5 image=none\n", "c");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].canonical, b[0].canonical);
    EXPECT_NE(a[0].canonical, c[0].canonical);
    EXPECT_EQ(input_hash(a[0].canonical, ""), input_hash(b[0].canonical, ""));
    EXPECT_NE(input_hash(a[0].canonical, ""), input_hash(c[0].canonical, ""));
    EXPECT_NE(input_hash(a[0].canonical, "x"), input_hash(a[0].canonical, "y"));
    EXPECT_EQ(input_hash("", "").rfind("fnv1a64:", 0), 0u);
    EXPECT_EQ(input_hash("", "").size(), 8u + 16u);
}

// The batch is where an image's bytes are known: a recorded case stays recorded only when its
// case line and its image are the ones recorded.
TEST(ResumeCheck, BatchRerunsCasesWhoseInputChanged) {
    host::testing::TempDir dir("mh-resume");
    write(dir.path / "init", "#!/bin/true\n");
    write(dir.path / "a.ko", "image A version 1");
    BatchInputs inputs;
    inputs.executor = dir.path / "init";
    const std::string text = "id=same call=finit image=file:" + (dir.path / "a.ko").string() +
                             "\n"
                             "id=edited call=none image=none flags=1\n"
                             "id=none-recorded call=none image=none\n";
    // First run: the hashes that would be recorded.
    auto first = build_batch(cases_of(text, "f"), inputs, dir.path / "1");
    ASSERT_TRUE(first.ok()) << first.error().message;
    std::map<std::string, std::string> recorded;
    for (const auto& hc : first->cases) {
        EXPECT_FALSE(hc.input_hash.empty()) << hc.guest.id;
        recorded[hc.guest.id] = hc.input_hash;
    }
    // Resume with one case line edited and nothing else: only that case runs again.
    auto resume = [&](const std::string& case_text) {
        auto cases = cases_of(case_text, "f");
        for (auto& hc : cases) {
            hc.recorded = true;
            hc.recorded_hash = hc.guest.id == "none-recorded" ? "" : recorded[hc.guest.id];
        }
        auto b = build_batch(cases, inputs, dir.path / "2");
        EXPECT_TRUE(b.ok()) << b.error().message;
        std::map<std::string, bool> changed;
        for (const auto& hc : b->cases) {
            changed[hc.guest.id] = hc.changed_since_recorded;
            EXPECT_EQ(hc.recorded, !hc.changed_since_recorded) << hc.guest.id;
        }
        return changed;
    };
    std::string edited = text;
    edited.replace(edited.find("flags=1"), 7, "flags=2");
    auto changed = resume(edited);
    EXPECT_FALSE(changed["same"]);
    EXPECT_TRUE(changed["edited"]);
    EXPECT_TRUE(changed["none-recorded"]);  // a record without input_hash cannot be trusted
    // The image file changed on disk: the case that loads it runs again.
    write(dir.path / "a.ko", "image A version 2");
    changed = resume(text);
    EXPECT_TRUE(changed["same"]);
    EXPECT_FALSE(changed["edited"]);
}

}  // namespace
}  // namespace mh::session
