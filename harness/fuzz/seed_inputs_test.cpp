// The host-side dictionary stage over one seed module.
#include "harness/fuzz/seed_inputs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "harness/elf/malform/malformation.h"
#include "harness/elf/reader.h"
#include "harness/elf/test_support.h"
#include "harness/fuzz/modinfo_mutations.h"
#include "harness/fuzz/param_mutations.h"
#include "harness/fuzz/section_name_mutations.h"

namespace mh::fuzz {
namespace {

TEST(DictionarySeeds, EachEntryOnceOnTheSeedWithItsHistory) {
    const Bytes module = elf::test::synthetic(0);
    const auto seeds = dictionary_seed_inputs("ok", module);
    std::set<std::string> names, rows, modinfo, sections, params;
    const auto& cat = elf::malformation_catalogue();
    for (const auto& s : seeds) {
        EXPECT_TRUE(names.insert(s.name).second) << "duplicate name " << s.name;
        const FuzzInput in = decode(s.bytes);
        if (s.name.rfind("ok-param-", 0) == 0) {  // the image untouched, only the params
            EXPECT_EQ(in.image, module);
            EXPECT_TRUE(in.history.empty());
            params.insert(in.call.params);
            continue;
        }
        ASSERT_EQ(in.history.size(), 1u) << s.name;
        const Step step = in.history[0];
        if (step.kind == StepKind::catalogue) {
            ASSERT_LT(step.arg, cat.size());
            const auto& row = cat[step.arg];
            EXPECT_EQ(s.name, "ok-row-" + std::string(row.id));
            EXPECT_EQ(std::count(row.tags.begin(), row.tags.end(), "oops-risk"), 0) << row.id << " would crash every VM start";
            EXPECT_NE(row.contract_id, "fuzz") << row.id << ": random byte edits are no dictionary entry";
            EXPECT_EQ(in.call.syscall == Syscall::finit_module, row.compressed()) << row.id;
            rows.insert(std::string(row.id));
        } else if (step.kind == StepKind::modinfo) {
            const std::string entry = modinfo_mutation_name(step.arg);
            auto view = elf::ElfView::parse(in.image);
            ASSERT_TRUE(view) << entry;
            auto kv = elf::read_modinfo(*view);
            ASSERT_TRUE(kv) << entry;
            EXPECT_EQ(elf::modinfo_value(*kv, entry.substr(0, entry.find('='))), entry.substr(entry.find('=') + 1));
            EXPECT_EQ(in.call.actions, kProbeSysfs) << entry;
            modinfo.insert(entry);
        } else if (step.kind == StepKind::section_name) {
            const std::string name = section_name_mutation_name(step.arg);
            ASSERT_EQ(name[0], '+') << "appended, not renamed: " << name;
            auto view = elf::ElfView::parse(in.image);
            ASSERT_TRUE(view) << name;
            EXPECT_TRUE(view->find_section(name.substr(1))) << name;
            sections.insert(name);
        } else {
            ADD_FAILURE() << s.name << ": unexpected step kind";
        }
    }
    EXPECT_EQ(modinfo.size(), modinfo_dictionary_size());
    EXPECT_EQ(sections.size(), section_name_dictionary_size() / 2);
    EXPECT_EQ(params.size(), param_dictionary().size());
    EXPECT_TRUE(rows.count("ehdr-bad-magic"));
    EXPECT_TRUE(rows.count("modinfo-duplicate"));
    EXPECT_FALSE(rows.count("this-module-name-unterminated"));  // oops-risk
    EXPECT_FALSE(rows.count("symtab-size-unaligned"));          // WARNs on Debian 6.1 and 6.12
    EXPECT_GT(rows.size(), cat.size() / 2);
}

}  // namespace
}  // namespace mh::fuzz

namespace mh::fuzz {
namespace {

TEST(DictionarySeeds, ACrashingSeedIsLeftOutAndAnUnmodifiedOneTakesItsModuleAlong) {
    std::vector<NamedInput> seeds;
    for (const auto& s : seed_inputs_for("ok", elf::test::synthetic(0))) seeds.push_back({s.name, s.bytes, "ok"});
    for (const auto& s : dictionary_seed_inputs("ok", elf::test::synthetic(0))) seeds.push_back({s.name, s.bytes, "ok"});
    for (const auto& s : seed_inputs_for("other", elf::test::synthetic(1))) seeds.push_back({s.name, s.bytes, "other"});
    const size_t others = static_cast<size_t>(std::count_if(seeds.begin(), seeds.end(), [](const NamedInput& s) { return s.module == "other"; }));
    auto text = [](const NamedInput& s) { return std::string(s.bytes.begin(), s.bytes.end()); };
    auto named = [&](const std::string& n) { return *std::find_if(seeds.begin(), seeds.end(), [&](const NamedInput& s) { return s.name == n; }); };

    EXPECT_EQ(drop_crashing_seed(seeds, "not a seed"), "");
    const size_t all = seeds.size();
    // A mutated starting input: only itself.
    const std::string row = text(named("ok-row-ehdr-bad-magic"));
    EXPECT_NE(drop_crashing_seed(seeds, row).find("ok-row-ehdr-bad-magic"), std::string::npos);
    EXPECT_EQ(seeds.size(), all - 1);
    EXPECT_EQ(drop_crashing_seed(seeds, row), "") << "already gone";
    // The module itself, unmodified: everything made from it, nothing else.
    const std::string msg = drop_crashing_seed(seeds, text(named("ok-init")));
    EXPECT_NE(msg.find("unmodified"), std::string::npos) << msg;
    EXPECT_EQ(seeds.size(), others);
    for (const auto& s : seeds) EXPECT_EQ(s.module, "other") << s.name;
}

}  // namespace
}  // namespace mh::fuzz
