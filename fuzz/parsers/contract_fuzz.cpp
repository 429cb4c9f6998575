// libFuzzer target: the conformance data files, conformance/contract.txt, man_pages.txt and
// groups.txt (a --conformance-dir can point anywhere). Properties: no crash; a contract that parses
// also validates or fails cleanly, and rule lookup works on it; errno sets print back to
// themselves; a man page file that parses has one page for unknown kernels, and what a page says
// uses only statements it carries.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "conformance/contract.h"
#include "conformance/groups.h"
#include "conformance/man_pages.h"
#include "fuzz/parsers/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh::conformance;
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)parse_groups(text, "fuzz-groups.txt");
    if (auto v = parse_version(text)) {
        FUZZ_CHECK(compare_versions(*v, *v) == 0);
    }
    if (auto set = parse_errno_set(text)) {
        auto again = parse_errno_set(errno_set_text(*set));
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(errno_set_text(*again) == errno_set_text(*set));
    }
    if (auto m = parse_man_pages(text, "fuzz-man_pages.txt")) {
        const ManPage* fallback = default_man_page(*m, "");
        FUZZ_CHECK(fallback != nullptr && fallback->fallback);
        std::vector<std::string> keys;
        for (const auto& [k, s] : m->says) keys.push_back(k);
        for (const auto& p : m->pages)
            for (const char* call : {"init", "finit"})
                for (const auto* s : man_view(*m, keys, p.name, call).used)
                    FUZZ_CHECK(s->pages.empty() || std::find(s->pages.begin(), s->pages.end(), p.name) != s->pages.end());
    }
    auto c = parse_contract(text, "fuzz-contract.txt");
    if (!c) return 0;
    (void)validate_contract(*c);
    static const std::vector<KernelFacts> facts = [] {
        std::vector<KernelFacts> f(2);
        f[0].version = parse_version("6.1.192").value_or(Version{});
        f[0].config.emplace("CONFIG_MODULE_DECOMPRESS", "y");
        f[1].version = parse_version("6.12.57").value_or(Version{});
        f[1].sig_enforce = true;
        return f;
    }();
    for (const auto& [id, cls] : c->classes) {
        FUZZ_CHECK(id == cls.id);
        for (const auto& f : facts) {
            const Rule* r = find_rule(*c, id, "", f);
            if (r) FUZZ_CHECK(r->class_id == id);
        }
    }
    for (const auto& r : c->rules) {
        for (const auto& f : facts) (void)r.kernels.contains(f.version);
        (void)find_rule(*c, r.class_id, r.malformation, facts[0]);
    }
    return 0;
}
