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

CrashStore::CrashStore(fs::path out_dir) : dir_(std::move(out_dir) / "crashes") {}

std::string CrashStore::slug_for(const std::string& title) { return title_slug(title); }

Status CrashStore::load() {
    std::lock_guard lock(mu_);
    const std::string index = read_text_file(dir_ / "index.jsonl").value_or("");
    for (auto [line, number] : lines(index)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.contains("title")) continue;  // a torn last line after a power cut
        auto& g = groups_[j["title"].get<std::string>()];
        g.title = j["title"];
        g.slug = slug_for(g.title);
        if (g.count == 0) g.first_seconds = j.value("campaign_seconds", 0.0);
        ++g.count;
        g.has_input |= j.value("has_input", false);
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
    nlohmann::json j;
    j["title"] = e.title;
    j["kind"] = e.kind;
    j["engine"] = e.engine;
    j["campaign_seconds"] = e.campaign_seconds;
    j["has_input"] = !e.input.empty();
    j["input_truncated"] = e.input_truncated;
    j["group"] = g.slug;
    j["at"] = utc_now_iso();
    MH_TRY_ASSIGN(index, session::ResultsSink::open(dir_ / "index.jsonl"));
    MH_TRY(index.append(j.dump()));  // durable; on a full disk the error names the file and errno
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
