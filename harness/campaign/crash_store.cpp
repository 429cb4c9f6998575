// Crash grouping and storage (see crash_store.h).
#include "harness/campaign/crash_store.h"

#include <nlohmann/json.hpp>

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/campaign/fnv_slug.h"
#include "harness/mutate/fuzz_input.h"
#include "harness/session/results_sink.h"

namespace mh::campaign {

namespace fs = std::filesystem;

namespace {

// One line of crashes/index.jsonl: one crash event.
struct IndexEntry {
    std::string title, kind, engine;
    double campaign_seconds = 0;
    bool has_input = false, input_truncated = false;
    std::string group;  // the group directory's name
    std::string at;  // UTC, ISO 8601
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IndexEntry, title, kind, engine, campaign_seconds, has_input, input_truncated, group, at)

}  // namespace

CrashStore::CrashStore(fs::path out_dir) : dir_(std::move(out_dir) / "crashes") {}

std::string CrashStore::slug_for(const std::string& title) { return title_slug(title); }

Status CrashStore::load() {
    std::lock_guard lock(mu_);
    const std::string index = read_text_file(dir_ / "index.jsonl").value_or("");
    for (auto [line, number] : lines(index)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("title")) continue;  // a torn last line after a power cut
        IndexEntry entry;
        try {
            entry = j.get<IndexEntry>();
        } catch (const nlohmann::json::exception&) {
            continue;  // a line of another shape: not ours to count
        }
        auto& g = groups_[entry.title];
        g.title = entry.title;
        g.slug = slug_for(g.title);
        if (g.count == 0) g.first_seconds = entry.campaign_seconds;
        ++g.count;
        g.has_input |= entry.has_input;
        ++events_;
    }
    return ok_status();
}

Expected<CrashGroup> CrashStore::add(const CrashEvent& e) {
    std::lock_guard lock(mu_);
    std::error_code ec;
    auto& g = groups_[e.title];
    const bool first = g.count == 0;
    g.title = e.title;
    g.slug = slug_for(e.title);
    ++g.count;
    ++events_;
    if (first) {
        g.new_this_run = true;
        g.first_seconds = e.campaign_seconds;
    }
    const fs::path gdir = dir_ / g.slug;
    fs::create_directories(gdir, ec);
    if (ec) return storage_error("cannot create " + gdir.string() + ": " + ec.message());
    // The group keeps its first input with one; later repeats are counted and their inputs kept
    // as repeat-N.bin (a few), so minimisation can pick the smallest.
    if (!e.input.empty()) {
        const fs::path target = !g.has_input ? gdir / "input.bin" : gdir / ("repeat-" + std::to_string(g.count) + ".bin");
        if (!g.has_input || g.count <= 5) {
            MH_TRY(write_file_atomic(target, e.input));
            if (!g.has_input) {
                const mutate::FuzzInput in = mutate::decode({reinterpret_cast<const uint8_t*>(e.input.data()), e.input.size()});
                MH_TRY(write_file_atomic(gdir / "call.txt", mutate::describe_call(in.call) + "\n"));
                MH_TRY(write_file_atomic(gdir / "history.txt", mutate::describe_history(in.history) + "\n"));
            }
        }
        g.has_input = true;
    }
    if (first) {
        MH_TRY(write_file_atomic(gdir / "title.txt", e.title + "\n"));
        MH_TRY(write_file_atomic(gdir / "report.txt", e.console_excerpt));
    }
    const IndexEntry entry{e.title, e.kind, e.engine, e.campaign_seconds, !e.input.empty(), e.input_truncated, g.slug, utc_now_iso()};
    MH_TRY_ASSIGN(index, session::ResultsSink::open(dir_ / "index.jsonl"));
    MH_TRY(index.append(nlohmann::json(entry).dump()));  // durable; on a full disk the error names the file and errno
    return g;
}

std::map<std::string, CrashGroup> CrashStore::groups() const {
    std::lock_guard lock(mu_);
    return groups_;
}

int CrashStore::events() const {
    std::lock_guard lock(mu_);
    return events_;
}

int CrashStore::new_titles() const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& [t, g] : groups_) n += g.new_this_run;
    return n;
}

}  // namespace mh::campaign
