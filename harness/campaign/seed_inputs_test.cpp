// The host-side dictionary stage over one seed module.
#include "harness/campaign/seed_inputs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <set>
#include <string>

#include "harness/elf/malform/malformation.h"
#include "harness/elf/reader.h"
#include "harness/elf/test_support.h"
#include "harness/mutate/modinfo_mutations.h"
#include "harness/mutate/param_mutations.h"
#include "harness/mutate/section_name_mutations.h"

namespace mh::campaign {
namespace {

TEST(DictionarySeeds, EachEntryOnceOnTheSeedWithItsHistory) {
    const mutate::Bytes module = elf::test::synthetic(0);
    const auto seeds = dictionary_seed_inputs("ok", module);
    std::set<std::string> names, rows, modinfo, sections, params;
    uint16_t actions = 0;
    const auto& cat = elf::malformation_catalogue();
    for (const auto& s : seeds) {
        EXPECT_TRUE(names.insert(s.name).second) << "duplicate name " << s.name;
        const mutate::FuzzInput in = mutate::decode(s.bytes);
        if (s.name.rfind("ok-param-", 0) == 0) {  // the image untouched, only the params
            EXPECT_EQ(in.image, module);
            EXPECT_TRUE(in.history.empty());
            params.insert(in.call.params);
            continue;
        }
        ASSERT_EQ(in.history.size(), 1u) << s.name;
        const mutate::Step step = in.history[0];
        if (step.kind == mutate::StepKind::catalogue) {
            ASSERT_LT(step.arg, cat.size());
            const auto& row = cat[step.arg];
            EXPECT_EQ(s.name, "ok-row-" + std::string(row.id));
            EXPECT_EQ(std::count(row.tags.begin(), row.tags.end(), "oops-risk"), 0) << row.id << " would crash every VM start";
            EXPECT_NE(row.contract_id, "fuzz") << row.id << ": random byte edits are no dictionary entry";
            EXPECT_EQ(in.call.syscall == mutate::Syscall::finit_module, row.compressed()) << row.id;
            rows.insert(std::string(row.id));
        } else if (step.kind == mutate::StepKind::modinfo) {
            const std::string entry = mutate::modinfo_mutation_name(step.arg);
            auto view = elf::ElfView::parse(in.image);
            ASSERT_TRUE(view) << entry;
            auto kv = elf::read_modinfo(*view);
            ASSERT_TRUE(kv) << entry;
            EXPECT_EQ(elf::modinfo_value(*kv, entry.substr(0, entry.find('='))), entry.substr(entry.find('=') + 1));
            EXPECT_EQ(in.call.actions, mutate::kProbeSysfs) << entry;
            modinfo.insert(entry);
        } else if (step.kind == mutate::StepKind::section_name) {
            const std::string name = mutate::section_name_mutation_name(step.arg);
            ASSERT_EQ(name[0], '+') << "appended, not renamed: " << name;
            auto view = elf::ElfView::parse(in.image);
            ASSERT_TRUE(view) << name;
            EXPECT_TRUE(view->find_section(name.substr(1))) << name;
            sections.insert(name);
        } else if (step.kind == mutate::StepKind::call) {
            EXPECT_EQ(step.arg, static_cast<uint16_t>(mutate::CallPart::actions)) << s.name;
            EXPECT_EQ(in.image, module) << s.name;
            EXPECT_EQ(std::popcount(in.call.actions), 1) << s.name;
            actions |= in.call.actions;
        } else {
            ADD_FAILURE() << s.name << ": unexpected step kind";
        }
    }
    EXPECT_EQ(modinfo.size(), mutate::modinfo_dictionary_size());
    EXPECT_EQ(sections.size(), mutate::section_name_dictionary_size() / 2);
    EXPECT_EQ(params.size(), mutate::param_dictionary().size());
    EXPECT_EQ(actions, mutate::kActionMask) << "every action once, reading kallsyms included";
    EXPECT_TRUE(rows.count("ehdr-bad-magic"));
    EXPECT_TRUE(rows.count("modinfo-duplicate"));
    EXPECT_FALSE(rows.count("this-module-name-unterminated"));  // oops-risk
    EXPECT_FALSE(rows.count("symtab-size-unaligned"));  // WARNs on Debian 6.1 and 6.12
    EXPECT_GT(rows.size(), cat.size() / 2);
}

}  // namespace
}  // namespace mh::campaign

namespace mh::campaign {
namespace {

TEST(DictionarySeeds, ACrashingSeedIsLeftOutAndAnUnmodifiedOneTakesItsModuleAlong) {
    SeedInputs seeds;
    for (const auto& s : seed_inputs_for("ok", elf::test::synthetic(0))) seeds.inputs.push_back(s);
    for (const auto& s : dictionary_seed_inputs("ok", elf::test::synthetic(0))) seeds.stage.push_back(s);
    for (const auto& s : seed_inputs_for("other", elf::test::synthetic(1))) seeds.inputs.push_back(s);
    for (const auto& s : modinfo_seed_inputs("other", elf::test::synthetic(1))) seeds.stage.push_back(s);
    auto count = [&](const std::string& module) {
        size_t n = 0;
        for (const auto* list : {&seeds.inputs, &seeds.stage})
            n += static_cast<size_t>(std::count_if(list->begin(), list->end(), [&](const NamedInput& s) { return s.module == module; }));
        return n;
    };
    auto text = [&](const std::string& name) {
        for (const auto* list : {&seeds.inputs, &seeds.stage})
            for (const auto& s : *list)
                if (s.name == name) return std::string(s.bytes.begin(), s.bytes.end());
        return std::string();
    };
    const size_t others = count("other"), oks = count("ok");
    ASSERT_GT(others, 20u);
    ASSERT_GT(oks, 100u);

    EXPECT_EQ(drop_crashing_seed(seeds, "not a seed"), "");
    // A mutated starting input (from the stage): only itself.
    const std::string row = text("ok-row-ehdr-bad-magic");
    ASSERT_FALSE(row.empty());
    EXPECT_NE(drop_crashing_seed(seeds, row).find("ok-row-ehdr-bad-magic"), std::string::npos);
    EXPECT_EQ(count("ok"), oks - 1);
    EXPECT_EQ(drop_crashing_seed(seeds, row), "") << "already gone";
    // The module itself, unmodified: everything made from it, stage included, nothing else.
    const std::string msg = drop_crashing_seed(seeds, text("ok-init"));
    EXPECT_NE(msg.find("unmodified"), std::string::npos) << msg;
    EXPECT_EQ(count("ok"), 0u);
    EXPECT_EQ(count("other"), others);
}

}  // namespace
}  // namespace mh::campaign
