// Modinfo dictionary mutation (see modinfo_mutations.h).
#include "harness/fuzz/modinfo_mutations.h"

#include <string_view>
#include <utility>

#include "harness/elf/malform/rows.h"

namespace mh::fuzz {

namespace {

struct Entry {
    std::string_view key, value;
};

// What kernel/module/main.c compares or shows (license_is_gpl_compatible, module_augment_kernel_taints,
// check_modinfo_retpoline, show_modinfo_*, verify_namespace_is_imported, blacklisted()).
constexpr Entry kDictionary[] = {
    {"license", "GPL"}, {"license", "GPL v2"}, {"license", "GPL and additional rights"},
    {"license", "Dual BSD/GPL"}, {"license", "Dual MIT/GPL"}, {"license", "Dual MPL/GPL"},
    {"license", "Proprietary"}, {"license", "MIT"}, {"license", ""},
    {"intree", "Y"}, {"staging", "Y"}, {"test", "Y"}, {"livepatch", "Y"}, {"retpoline", "Y"},
    {"version", "1.0"}, {"srcversion", "0123456789ABCDEF0123456"},
    {"import_ns", "MH_PROVIDER"}, {"import_ns", "CRYPTO_INTERNAL"}, {"import_ns", ""},
    {"name", "mh_blacklisted"}, {"depends", "mh_provider"}, {"vermagic", ""},
};
constexpr size_t kEntries = sizeof kDictionary / sizeof kDictionary[0];

}  // namespace

uint16_t mutate_modinfo(std::vector<uint8_t>& image, elf::malform::Rng& rng) {
    const auto id = static_cast<uint16_t>(rng.below(kEntries));
    const Entry e = kDictionary[id];
    auto apply = elf::malform::rebuild_modinfo([e](std::vector<std::pair<std::string, std::string>>& kv) -> Status {
        for (auto& [k, v] : kv)
            if (k == e.key) {
                v = std::string(e.value);
                return ok_status();
            }
        kv.emplace_back(std::string(e.key), std::string(e.value));
        return ok_status();
    });
    auto out = apply(image, rng.next());
    if (!out) return kNoModinfoMutation;
    image = std::move(*out);
    return id;
}

std::string modinfo_mutation_name(uint16_t id) {
    if (id >= kEntries) return "#" + std::to_string(id);
    return std::string(kDictionary[id].key) + "=" + std::string(kDictionary[id].value);
}

}  // namespace mh::fuzz
