// Mutator core: every step kind changes what it claims, is recorded, and respects max_size;
// params follow the image's declared parameters.
#include "harness/mutate/mutator.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "harness/elf/reader.h"
#include "harness/elf/test_support.h"
#include "harness/mutate/field_mutations.h"
#include "harness/mutate/modinfo_mutations.h"
#include "harness/mutate/section_name_mutations.h"
#include "harness/mutate/param_mutations.h"

namespace mh::mutate {
namespace {

FuzzInput seed_input() {
    FuzzInput in;
    in.image = elf::test::synthetic(0);
    return in;
}

TEST(Mutator, EachStepKindIsRecordedAndChangesTheInput) {
    const Mutator m;
    for (uint64_t seed = 1; seed < 40; ++seed) {
        FuzzInput a = seed_input(), b = a, c = a, d = a;
        if (m.catalogue_step(a, seed)) {
            EXPECT_NE(a.image, seed_input().image) << seed;
            EXPECT_EQ(a.history.back().kind, StepKind::catalogue);
        }
        ASSERT_TRUE(m.field_step(b, seed));
        const StepKind k = b.history.back().kind;
        EXPECT_TRUE(k == StepKind::field || k == StepKind::modinfo || k == StepKind::section_name);
        ASSERT_TRUE(m.bytes_step(c, 1 << 20, seed));
        EXPECT_EQ(c.history.back().kind, StepKind::bytes);
        ASSERT_TRUE(m.call_step(d, seed));
        EXPECT_EQ(d.history.back().kind, StepKind::call);
        EXPECT_EQ(d.image, seed_input().image);  // a call step leaves the image alone
    }
}

TEST(Mutator, ModinfoStepsSetTheDictionaryValueTheHistoryNames) {
    std::set<std::string> names;
    for (uint64_t seed = 1; seed < 400; ++seed) {
        Bytes image = elf::test::synthetic(0);
        elf::malform::Rng rng(seed);
        const uint16_t id = mutate_modinfo(image, rng);
        ASSERT_NE(id, kNoModinfoMutation) << seed;
        const std::string name = modinfo_mutation_name(id);
        names.insert(name);
        const auto eq = name.find('=');
        auto view = elf::ElfView::parse(image);
        ASSERT_TRUE(view) << name;
        auto entries = elf::read_modinfo(*view);
        ASSERT_TRUE(entries) << name;
        EXPECT_EQ(elf::modinfo_value(*entries, name.substr(0, eq)), name.substr(eq + 1)) << name;
    }
    EXPECT_GE(names.size(), 20u);  // the whole dictionary comes up
    Bytes junk(100, 0x41);
    elf::malform::Rng rng(1);
    EXPECT_EQ(mutate_modinfo(junk, rng), kNoModinfoMutation);
    EXPECT_EQ(junk, Bytes(100, 0x41));
}

TEST(Mutator, SectionNameStepsRenameOrAppendTheDictionaryName) {
    std::set<std::string> names;
    size_t appended = 0;
    for (uint64_t seed = 1; seed < 400; ++seed) {
        const Bytes before = elf::test::synthetic(0);
        Bytes image = before;
        elf::malform::Rng rng(seed);
        const uint16_t id = mutate_section_name(image, rng);
        if (id == kNoSectionNameMutation) continue;  // e.g. the null section's empty name drawn
        std::string name = section_name_mutation_name(id);
        names.insert(name);
        auto view = elf::ElfView::parse(image);
        auto old = elf::ElfView::parse(before);
        ASSERT_TRUE(view && old) << name;
        if (name[0] == '+') {  // appended: one more section, empty and allocated
            ++appended;
            name.erase(0, 1);
            ASSERT_EQ(view->section_count(), old->section_count() + 1) << name;
            const auto& h = view->section(view->section_count() - 1);
            EXPECT_EQ(view->section_name(view->section_count() - 1).value_or(""), name);
            EXPECT_EQ(h.size, 0u) << name;
            EXPECT_EQ(h.flags & 0x2, 0x2u) << name;
        } else {
            EXPECT_EQ(view->section_count(), old->section_count()) << name;
            EXPECT_TRUE(view->find_section(name)) << name;
        }
    }
    EXPECT_GE(names.size(), 50u);
    EXPECT_GE(appended, 100u);
    Bytes junk(100, 0x41);
    elf::malform::Rng rng(1);
    EXPECT_EQ(mutate_section_name(junk, rng), kNoSectionNameMutation);
}

TEST(Mutator, ModinfoNameEntriesRenameStructModuleToo) {
    std::set<std::string> renamed;
    for (uint16_t id = 0; id < modinfo_dictionary_size(); ++id) {
        const std::string entry = modinfo_mutation_name(id);
        if (entry.rfind("name=", 0) != 0) continue;
        Bytes image = elf::test::synthetic(0);
        ASSERT_TRUE(apply_modinfo_entry(image, id, 1)) << entry;
        auto name = elf::module_name(image);
        ASSERT_TRUE(name) << entry;
        EXPECT_EQ(*name, entry.substr(5));
        renamed.insert(*name);
    }
    for (const char* by_name : {"ndiswrapper", "driverloader", "lve"}) EXPECT_TRUE(renamed.count(by_name)) << by_name;
    Bytes image = elf::test::synthetic(0);
    EXPECT_FALSE(apply_modinfo_entry(image, static_cast<uint16_t>(modinfo_dictionary_size()), 1));
    EXPECT_EQ(image, elf::test::synthetic(0));
}

TEST(Mutator, CallStepsReachEveryActionOneBitAtATime) {
    const Mutator m;
    uint16_t seen = 0;
    for (uint64_t seed = 1; seed < 2000; ++seed) {
        FuzzInput in = seed_input();
        ASSERT_TRUE(m.call_step(in, seed));
        if (in.history.back().arg != static_cast<uint16_t>(CallPart::actions)) continue;
        EXPECT_EQ(__builtin_popcount(in.call.actions), 1) << seed;  // one flip from none
        seen |= in.call.actions;
    }
    EXPECT_EQ(seen, kActionMask);
}

TEST(Mutator, MutateRespectsMaxSizeAndStaysDecodable) {
    const Mutator m;
    Bytes cur = encode(seed_input());
    std::set<Bytes> distinct;
    for (uint64_t seed = 0; seed < 300; ++seed) {
        const size_t max = 4096 + seed * 37;
        Bytes next = m.mutate(cur, max, seed);
        ASSERT_LE(next.size(), max);
        const FuzzInput in = decode(next);
        EXPECT_FALSE(in.history.empty());
        distinct.insert(next);
        if (seed % 3 == 0) cur = next;  // walk, as an engine would
    }
    EXPECT_GT(distinct.size(), 250u);
}

TEST(Mutator, EngineByteMutatorIsUsedOnTheImageOnly) {
    size_t calls = 0;
    const Mutator m({0, 0, 1, 0}, [&](uint8_t* data, size_t size, size_t) {
        ++calls;
        data[0] ^= 0xff;
        return size;
    });
    FuzzInput in = seed_input();
    in.call.params = "keep=me";
    const FuzzInput out = decode(m.mutate(encode(in), 1 << 20, 5));
    EXPECT_GT(calls, 0u);
    EXPECT_EQ(out.call.params, "keep=me");
}

TEST(Mutator, CrossoverRecordsASplice) {
    const Mutator m;
    FuzzInput a = seed_input(), b = seed_input();
    b.call = {Syscall::finit_module, FdKind::file, 2, "x=1"};
    for (uint64_t seed = 0; seed < 20; ++seed) {
        const FuzzInput c = decode(m.crossover(encode(a), encode(b), 1 << 20, seed));
        ASSERT_FALSE(c.history.empty());
        EXPECT_EQ(c.history.back().kind, StepKind::splice);
    }
}

TEST(FieldMutations, NamesAreReadableAndImagesKeepTheirSize) {
    elf::malform::Rng rng(3);
    std::set<std::string> names;
    for (int i = 0; i < 200; ++i) {
        Bytes img = elf::test::synthetic(0);
        const size_t size = img.size();
        const uint16_t id = mutate_field(img, rng);
        ASSERT_NE(id, kNoFieldMutation);
        EXPECT_EQ(img.size(), size);
        names.insert(field_mutation_name(id));
    }
    EXPECT_GT(names.size(), 60u);
    EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.rfind("shdr.", 0) == 0; }));
    EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.rfind("sym.", 0) == 0; }));
    Bytes tiny(10, 0);
    EXPECT_EQ(mutate_field(tiny, rng), kNoFieldMutation);
}

TEST(ParamMutations, UseDeclaredParameters) {
    const std::string modinfo = std::string("license=GPL\0parm=depth:how deep\0parmtype=depth:int\0parmtype=name:charp\0", 72);
    const Bytes img(modinfo.begin(), modinfo.end());
    const auto params = declared_params(img);
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].name, "depth");
    EXPECT_EQ(params[0].type, "int");
    elf::malform::Rng rng(1);
    std::set<std::string> seen;
    for (int i = 0; i < 400; ++i) seen.insert(mutate_params("", params, rng));
    EXPECT_TRUE(seen.count("depth=13")) << "small ints are tried";
    for (const auto& w : param_dictionary()) EXPECT_TRUE(seen.count(w)) << w;
    EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](const std::string& s) { return s.rfind("name=", 0) == 0; }));
}

}  // namespace
}  // namespace mh::mutate

namespace mh::mutate {
namespace {

TEST(ParamMutations, NudgesIntegersTowardsNearbyValues) {
    const std::vector<ModuleParam> declared{{"depth", "int"}};
    elf::malform::Rng rng(9);
    std::set<std::string> seen;
    for (int i = 0; i < 600; ++i) seen.insert(mutate_params("depth=20 x=y", declared, rng));
    for (const char* v : {"depth=19 x=y", "depth=21 x=y", "depth=16 x=y", "depth=24 x=y"}) EXPECT_TRUE(seen.count(v)) << v;
    EXPECT_FALSE(seen.count("depth=25 x=y")) << "nudges are small";
}

}  // namespace
}  // namespace mh::mutate

namespace mh::mutate {
namespace {

TEST(MutatorWeights, ParseAndRejectWithReasons) {
    auto w = parse_weights("call=80,catalogue=10");
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->call, 80u);
    EXPECT_EQ(w->catalogue, 10u);
    EXPECT_EQ(w->field, MutatorWeights{}.field);
    EXPECT_TRUE(parse_weights("").ok());
    EXPECT_NE(parse_weights("calls=1").error().message.find("unknown step kind 'calls'"), std::string::npos);
    EXPECT_NE(parse_weights("call=x").error().message.find("'call=x'"), std::string::npos);
    EXPECT_FALSE(parse_weights("catalogue=0,field=0,bytes=0,call=0").ok());
    // Only call steps: the image is never touched.
    const Mutator m(*parse_weights("catalogue=0,field=0,bytes=0,call=1"));
    FuzzInput in;
    in.image = {1, 2, 3, 4};
    for (uint64_t seed = 0; seed < 50; ++seed) EXPECT_EQ(decode(m.mutate(encode(in), 4096, seed)).image, in.image);
}

}  // namespace
}  // namespace mh::mutate
