// check_case_names: seed and malformation names of case lines, before anything is fetched or booted.
#include "harness/session/case_names.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "harness/elf/malform/malformation.h"
#include "harness/kernels/seed_modules.h"

namespace mh::session {
namespace {

// Up to 8 catalogue ids sharing words (3+ letters, '-'-separated) with `name`, most shared first:
// what the user probably meant.
std::string similar_malformations(const std::string& name) {
    std::vector<std::string> words;
    size_t at = 0;
    while (at <= name.size()) {
        size_t dash = name.find('-', at);
        if (dash == std::string::npos) dash = name.size();
        if (dash - at >= 3) words.push_back(name.substr(at, dash - at));
        at = dash + 1;
    }
    // Most shared words first; catalogue order among equals.
    std::vector<std::pair<int, std::string_view>> scored;
    for (const auto& m : elf::malformation_catalogue()) {
        int shared = 0;
        for (const auto& w : words) shared += std::string_view(m.id).find(w) != std::string_view::npos;
        if (shared > 0) scored.emplace_back(-shared, m.id);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (size_t i = 0; i < scored.size() && i < 8; ++i) out += (i ? ", " : "") + std::string(scored[i].second);
    return out;
}

}  // namespace

Status check_case_names(const std::vector<HostCase>& cases, const std::function<bool(const std::string&)>& known_malformation) {
    for (const auto& hc : cases) {
        const std::string where = hc.source + " (case " + hc.guest.id + "): ";
        if (hc.image.rfind("seed:", 0) == 0) {
            if (auto spec = kernels::parse_seed_name(hc.image.substr(5)); !spec) return usage_error(where + spec.error().message);
        }
        for (const auto& id : hc.malformations) {
            if (known_malformation ? known_malformation(id) : elf::find_malformation(id) != nullptr) continue;
            const std::string similar = similar_malformations(id);
            return usage_error(where + "unknown malformation '" + id + "' (" + (similar.empty() ? "" : "similar: " + similar + "; ") +
                               "all " + std::to_string(elf::malformation_catalogue().size()) + " ids: modharness malformations)");
        }
    }
    return ok_status();
}

}  // namespace mh::session
