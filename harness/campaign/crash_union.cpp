// Crash groups of several campaigns joined by culprit (see crash_union.h).
#include "harness/campaign/crash_union.h"

#include <map>
#include <nlohmann/json.hpp>

#include "harness/campaign/findings.h"
#include "harness/common/files.h"
#include "harness/common/text.h"

namespace mh::campaign {

namespace fs = std::filesystem;

namespace {

// Events per group directory in a campaign's crashes/index.jsonl (torn or foreign lines skipped).
std::map<std::string, int> events_by_group(const fs::path& crashes) {
    std::map<std::string, int> out;
    const std::string index = read_text_file(crashes / "index.jsonl").value_or("");
    for (auto [line, n] : lines(index)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.contains("group") && j["group"].is_string()) ++out[j["group"].get<std::string>()];
    }
    return out;
}

}  // namespace

Expected<std::vector<UnionEntry>> union_crashes(const std::vector<fs::path>& campaigns) {
    std::vector<UnionEntry> entries;
    std::map<std::string, size_t> by_id;
    for (const auto& c : campaigns) {
        const fs::path crashes = c / "crashes";
        std::error_code ec;
        if (!fs::is_directory(crashes, ec)) continue;
        const auto events = events_by_group(crashes);
        std::vector<fs::path> groups;
        for (fs::directory_iterator it(crashes, ec), end; !ec && it != end; it.increment(ec))
            if (it->is_directory(ec)) groups.push_back(it->path());
        if (ec) return environment_error("cannot list " + crashes.string() + ": " + ec.message());
        std::sort(groups.begin(), groups.end());
        for (const auto& g : groups) {
            auto title = read_text_file(g / "title.txt");
            if (!title) return environment_error("crash group " + g.string() + " has no title.txt");
            CrashTriage t;
            t.title = std::string(trim(*title));
            t.culprit_kind = "untriaged";
            if (auto text = read_text_file(g / "culprit.json")) {
                auto j = nlohmann::json::parse(*text, nullptr, false);
                if (!j.is_object()) return environment_error(g.string() + "/culprit.json is not a JSON object");
                t.culprit_kind = j.value("kind", "unattributed");
                t.culprit = j.value("culprit", "");
            }
            const std::string id = finding_id(t);
            auto [it, fresh] = by_id.emplace(id, entries.size());
            if (fresh) entries.push_back({id, t.culprit_kind, {}});
            const auto e = events.find(g.filename().string());
            entries[it->second].members.push_back({c.string(), g.filename().string(), t.title, e == events.end() ? 0 : e->second});
        }
    }
    return entries;
}

std::string crash_union_json(const std::vector<UnionEntry>& entries) {
    nlohmann::json j = {{"schema", "modharness.crash-union/1"}, {"crashes", nlohmann::json::array()}};
    for (const auto& e : entries) {
        nlohmann::json members = nlohmann::json::array();
        int events = 0;
        for (const auto& m : e.members) {
            members.push_back({{"campaign", m.campaign}, {"group", m.group}, {"title", m.title}, {"events", m.events}});
            events += m.events;
        }
        j["crashes"].push_back({{"id", e.id}, {"kind", e.kind}, {"events", events}, {"groups", members}});
    }
    return j.dump(1) + "\n";
}

}  // namespace mh::campaign
