// The committed contract is valid, and the parser/validator/lookup behave as documented.
#include "conformance/contract.h"

#include <cstdlib>
#include <gtest/gtest.h>

#include "harness/elf/malform/malformation.h"

using namespace mh::conformance;

namespace {
std::string contract_path() { return std::string(std::getenv("MH_SOURCE_DIR")) + "/conformance/contract.txt"; }
KernelFacts facts(const char* version, bool decompress, bool enforce = false) {
    KernelFacts f;
    f.version = *parse_version(version);
    f.config["CONFIG_MODULE_DECOMPRESS"] = decompress ? "y" : "n";
    f.config["CONFIG_MODULE_COMPRESS_XZ"] = decompress ? "y" : "n";
    f.config["CONFIG_MODULE_FORCE_LOAD"] = "y";
    f.config["CONFIG_MODVERSIONS"] = "y";
    f.sig_enforce = enforce;
    return f;
}
}  // namespace

TEST(Contract, CommittedContractIsValid) {
    auto c = load_contract(contract_path());
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_GE(c->classes.size(), 80u);
    // Every malformation's contract id is a class, and names a malformation that exists.
    for (const auto& m : mh::elf::malformation_catalogue()) {
        if (m.contract_id == "fuzz") continue;
        EXPECT_TRUE(c->classes.count(std::string(m.contract_id)) || m.contract_id == "R7") << m.id << " -> " << m.contract_id;
    }
    for (const auto& r : c->rules) {
        if (!r.malformation.empty()) {
            EXPECT_NE(mh::elf::find_malformation(r.malformation), nullptr) << r.malformation;
        }
    }
}

TEST(Contract, LookupByVersionConfigAndMalformation) {
    auto c = load_contract(contract_path());
    ASSERT_TRUE(c.ok());
    auto g3_61 = find_rule(*c, "G3", "", facts("6.1.192", false));
    ASSERT_NE(g3_61, nullptr);
    EXPECT_EQ(errno_set_text(g3_61->expect), "EOPNOTSUPP");
    auto g3_612 = find_rule(*c, "G3", "", facts("6.12.117", true));
    ASSERT_NE(g3_612, nullptr);
    EXPECT_EQ(errno_set_text(g3_612->expect), "EINVAL");
    auto junk = find_rule(*c, "G4", "wrap-xz-trailing-junk", facts("6.12.117", true));
    ASSERT_NE(junk, nullptr);
    EXPECT_EQ(junk->malformation, "wrap-xz-trailing-junk");
    auto f1 = find_rule(*c, "F1", "", facts("6.1.192", false));
    ASSERT_NE(f1, nullptr);
    EXPECT_EQ(errno_set_text(f1->expect), "EBADF");
    EXPECT_EQ(f1->man_says, std::vector<std::string>{"ENOEXEC.fd"});
    EXPECT_EQ(find_rule(*c, "F1", "", facts("4.5", false)), nullptr);  // before 4.6 the rule does not apply
    auto m5_old = find_rule(*c, "M5", "", facts("6.12.117", false));
    auto m5_new = find_rule(*c, "M5", "", facts("6.13.1", false));
    ASSERT_TRUE(m5_old && m5_new);
    EXPECT_NE(m5_old, m5_new);
    auto e1_enforced = find_rule(*c, "E1", "", facts("6.1.192", false, true));
    EXPECT_EQ(e1_enforced, nullptr);  // under sig_enforce the P5 rules apply instead
}

TEST(Contract, RulesNameKnownManStatementsAndUncoveredClassesAreNotDeclared) {
    auto c = parse_contract("class A | 1 | t\nrule A | * | - | EBADF | NOSUCH | s | m\n", "t");
    ASSERT_TRUE(c.ok());
    auto v = validate_contract(*c);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.error().message.find("NOSUCH"), std::string::npos) << v.error().message;
    auto both = parse_contract("class A | 1 | t\nrule A | * | - | EBADF | - | s | -\nuncovered A | 1 | t | r\n", "t");
    ASSERT_TRUE(both.ok());
    EXPECT_FALSE(validate_contract(*both).ok());
    EXPECT_FALSE(parse_contract("uncovered A | 1 | t\n", "t").ok());  // no reason
    auto spec = parse_contract("spec 3.9 | K1 K2\n", "t");
    ASSERT_TRUE(spec.ok());
    ASSERT_EQ(spec->spec.size(), 1u);
    EXPECT_EQ(spec->spec[0].ids, (std::vector<std::string>{"K1", "K2"}));
}

TEST(Contract, ParserAndValidatorErrors) {
    EXPECT_FALSE(parse_contract("rule X | * | - | EBADF | - | s | m\n", "t").ok() &&
                 validate_contract(*parse_contract("rule X | * | - | EBADF | - | s | m\n", "t")).ok());
    EXPECT_FALSE(parse_contract("class A | 1 | t\nrule A | * | - | ENOSUCH | - | s | m\n", "t").ok());
    EXPECT_FALSE(parse_contract("class A | 1 | t\nrule A | 6.x- | - | EBADF | - | s | m\n", "t").ok());
    EXPECT_FALSE(parse_contract("class A | 1 | t\nrule A | * | CONFIG_X | EBADF | - | s | m\n", "t").ok());
    EXPECT_FALSE(parse_contract("class A | 1 | t\nrule A | * | - | EBADF | -\n", "t").ok());
    auto overlap = parse_contract("class A | 1 | t\nrule A | 5.0- | - | EBADF | - | s | m\nrule A | -5.4 | - | EINVAL | - | s | m\n", "t");
    ASSERT_TRUE(overlap.ok());
    EXPECT_FALSE(validate_contract(*overlap).ok());
    auto disjoint =
        parse_contract("class A | 1 | t\nrule A | 5.5- | - | EBADF | - | s | m\nrule A | -5.4.999 | - | EINVAL | - | s | m\n", "t");
    ASSERT_TRUE(disjoint.ok());
    EXPECT_TRUE(validate_contract(*disjoint).ok());
    auto unused = parse_contract("class A | 1 | t\nclass B | 1 | t\nrule A | * | - | EBADF | - | s | m\n", "t");
    EXPECT_FALSE(validate_contract(*unused).ok());
}

TEST(Contract, Versions) {
    EXPECT_LT(compare_versions(*parse_version("6.1.192"), *parse_version("6.12")), 0);
    EXPECT_EQ(compare_versions(*parse_version("6.12"), *parse_version("6.12.0")), 0);
    EXPECT_FALSE(parse_version("6.x"));
    EXPECT_FALSE(parse_version(""));
}
