// Modinfo dictionary mutation (see modinfo_mutations.h).
#include "harness/mutate/modinfo_mutations.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "harness/elf/malform/rows.h"
#include "harness/elf/reader.h"

namespace mh::mutate {

namespace {

struct Entry {
    std::string_view key, value;
};

// What kernel/module/main.c compares or shows (license_is_gpl_compatible, module_augment_kernel_taints,
// check_modinfo_retpoline, show_modinfo_*, verify_namespace_is_imported, blacklisted()).
constexpr Entry kDictionary[] = {
    {"license", "GPL"},
    {"license", "GPL v2"},
    {"license", "GPL and additional rights"},
    {"license", "Dual BSD/GPL"},
    {"license", "Dual MIT/GPL"},
    {"license", "Dual MPL/GPL"},
    {"license", "Proprietary"},
    {"license", "MIT"},
    {"license", ""},
    {"intree", "Y"},
    {"staging", "Y"},
    {"test", "Y"},
    {"livepatch", "Y"},
    {"retpoline", "Y"},
    {"version", "1.0"},
    {"srcversion", "0123456789ABCDEF0123456"},
    {"import_ns", "MH_PROVIDER"},
    {"import_ns", "CRYPTO_INTERNAL"},
    {"import_ns", ""},
    {"name", "mh_blacklisted"},
    {"depends", "mh_provider"},
    {"vermagic", ""},
    // module_augment_kernel_taints() taints these three by name.
    {"name", "ndiswrapper"},
    {"name", "driverloader"},
    {"name", "lve"},
};
constexpr size_t kEntries = sizeof kDictionary / sizeof kDictionary[0];

// Writes name[] of struct module in .gnu.linkonce.this_module (false when there is none).
bool set_this_module_name(std::vector<uint8_t>& image, std::string_view name) {
    auto view = elf::ElfView::parse(image);
    if (!view) return false;
    const auto idx = view->find_section(".gnu.linkonce.this_module");
    if (!idx) return false;
    const elf::Shdr& h = view->section(*idx);
    if (h.size < elf::kThisModuleNameOffset + elf::kThisModuleNameLen || h.offset > image.size() ||
        image.size() - h.offset < elf::kThisModuleNameOffset + elf::kThisModuleNameLen || name.size() >= elf::kThisModuleNameLen)
        return false;
    uint8_t* p = image.data() + h.offset + elf::kThisModuleNameOffset;
    std::fill(p, p + elf::kThisModuleNameLen, 0);
    std::copy(name.begin(), name.end(), p);
    return true;
}

}  // namespace

size_t modinfo_dictionary_size() { return kEntries; }

uint16_t mutate_modinfo(std::vector<uint8_t>& image, elf::malform::Rng& rng) {
    const auto id = static_cast<uint16_t>(rng.below(kEntries));
    return apply_modinfo_entry(image, id, rng.next()) ? id : kNoModinfoMutation;
}

bool apply_modinfo_entry(std::vector<uint8_t>& image, uint16_t id, uint64_t seed) {
    if (id >= kEntries) return false;
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
    auto out = apply(image, seed);
    if (!out) return false;
    // name= renames struct module too, as modpost writes them: the loader uses mod->name for
    // uniqueness, sysfs and the by-name taints, and the modinfo name only for the blacklist.
    if (e.key == "name" && !set_this_module_name(*out, e.value)) return false;
    image = std::move(*out);
    return true;
}

std::string modinfo_mutation_name(uint16_t id) {
    if (id >= kEntries) return "#" + std::to_string(id);
    return std::string(kDictionary[id].key) + "=" + std::string(kDictionary[id].value);
}

}  // namespace mh::mutate
