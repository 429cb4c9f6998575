// One parameterised test per malformation: applies, is deterministic, and changes exactly what it claims.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "harness/elf/malform/malformation.h"
#include "harness/elf/reader.h"
#include "harness/elf/signature.h"
#include "harness/elf/test_support.h"

namespace mh::elf {
namespace {

struct Inputs {
    Bytes synthetic = test::synthetic();
    Bytes real61 = test::real_61();  // signed
    Bytes real612 = decompress(test::real_612_xz()).value();
};

const Inputs& inputs() {
    static const Inputs in;
    return in;
}

class EachMalformation : public ::testing::TestWithParam<std::string> {};

TEST_P(EachMalformation, AppliesDeterministicallyAndVerifies) {
    const Malformation* m = find_malformation(GetParam());
    ASSERT_NE(m, nullptr);
    struct Case {
        const char* name;
        const Bytes* image;
    };
    for (Case c :
         {Case{"synthetic", &inputs().synthetic}, Case{"real 6.1 (signed)", &inputs().real61}, Case{"real 6.12", &inputs().real612}}) {
        bool is_signed = find_signature(*c.image).has_value();
        for (uint64_t seed : {1ull, 2ull, 0xdeadbeefull}) {
            SCOPED_TRACE(std::string(c.name) + " seed " + std::to_string(seed));
            auto a = apply_malformation(m->id, *c.image, seed);
            if (m->needs_signed_input && !is_signed) {
                EXPECT_FALSE(a.ok()) << "applied to an unsigned image";
                continue;
            }
            ASSERT_TRUE(a.ok()) << a.error().message;
            auto b = apply_malformation(m->id, *c.image, seed);
            ASSERT_TRUE(b.ok());
            EXPECT_EQ(*a, *b) << "not deterministic";
            EXPECT_NE(*a, *c.image) << "image unchanged";
            auto v = m->verify(*c.image, *a, seed);
            EXPECT_TRUE(v.ok()) << v.error().message;
            EXPECT_EQ(m->compressed(), detect_compression(*a) != Compression::none);
            // The reader must survive whatever came out.
            auto view = ElfView::parse(*a, ReadOptions{.require_x86_64_rel = false});
            if (view.ok()) {
                (void)view->symbols();
                (void)read_modinfo(*view);
                (void)read_versions(*view);
                (void)read_this_module(*view);
            }
        }
    }
}

std::vector<std::string> all_ids() {
    std::vector<std::string> ids;
    for (const auto& m : malformation_catalogue()) ids.emplace_back(m.id);
    return ids;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, EachMalformation, ::testing::ValuesIn(all_ids()), [](const auto& param_info) {
    std::string n = param_info.param;
    for (auto& ch : n)
        if (ch == '-') ch = '_';
    return n;
});

TEST(Catalogue, ShapeOfTheTable) {
    const auto& cat = malformation_catalogue();
    EXPECT_GE(cat.size(), 80u);
    std::set<std::string_view> ids;
    std::regex kebab("^[a-z0-9]+(-[a-z0-9]+)*$");
    std::regex contract("^(fuzz|[A-Z][0-9]+)$");
    for (const auto& m : cat) {
        EXPECT_TRUE(ids.insert(m.id).second) << "duplicate id " << m.id;
        EXPECT_TRUE(std::regex_match(std::string(m.id), kebab)) << m.id;
        EXPECT_TRUE(std::regex_match(std::string(m.contract_id), contract)) << m.id << " " << m.contract_id;
        EXPECT_FALSE(m.intent.empty()) << m.id;
        EXPECT_FALSE(m.tags.empty()) << m.id;
        EXPECT_TRUE(m.apply && m.verify) << m.id;
    }
    EXPECT_EQ(find_malformation("no-such-row"), nullptr);
    EXPECT_FALSE(apply_malformation("no-such-row", inputs().synthetic, 1).ok());
}

TEST(Catalogue, StructuralRowsReadBackAsClaimed) {
    const Bytes& s = inputs().synthetic;
    auto v = [](const Bytes& b) { return ElfView::parse(b, ReadOptions{.require_x86_64_rel = false}).value(); };
    EXPECT_EQ(v(apply_malformation("ehdr-type-exec", s, 1).value()).header().type, kEtExec);
    auto name = module_name(apply_malformation("this-module-name-builtin", s, 1).value());
    ASSERT_TRUE(name.ok());
    EXPECT_TRUE(*name == "printk" || *name == "module" || *name == "kernel");
    auto img = apply_malformation("vermagic-release-changed", s, 3).value();
    auto vm = std::string(modinfo_value(read_modinfo(v(img)).value(), "vermagic").value());
    EXPECT_NE(vm, example_profile().vermagic);
    EXPECT_EQ(vm.substr(vm.find(' ')), example_profile().vermagic.substr(example_profile().vermagic.find(' ')));
    img = apply_malformation("versions-bad-module-layout-crc", s, 3).value();
    auto vers = read_versions(v(img)).value();
    EXPECT_NE(vers.entries[0].crc, example_profile().crc("module_layout")->crc);
    img = apply_malformation("section-wx-text", s, 3).value();
    bool wx = false;
    auto wx_view = v(img);
    for (const auto& sh : wx_view.sections()) wx |= (sh.flags & kShfWrite) && (sh.flags & kShfExecinstr);
    EXPECT_TRUE(wx);
}

TEST(Catalogue, ChainsAndMutate) {
    auto r = apply_malformations({"vermagic-flags-changed", "wrap-xz"}, inputs().synthetic, 7);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(detect_compression(*r), Compression::xz);
    for (uint64_t seed = 0; seed < 300; ++seed) {
        auto m = mutate(inputs().real61, seed);
        ASSERT_TRUE(m.ok()) << m.error().message;
        EXPECT_EQ(*m, mutate(inputs().real61, seed).value());
    }
}

TEST(Catalogue, Renderings) {
    auto md = catalogue_markdown();
    EXPECT_NE(md.find("`ehdr-bad-magic`"), std::string::npos);
    auto js = catalogue_json();
    EXPECT_NE(js.find("\"id\":\"wrap-xz\""), std::string::npos);
    EXPECT_NE(js.find("\"compressed\":true"), std::string::npos);
}

}  // namespace
}  // namespace mh::elf
