// AFL++-layout sync directory shared by campaigns (see sync_dir.h).
#include "harness/campaign/sync_dir.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "harness/common/files.h"
#include "harness/common/fnv.h"

namespace mh::campaign {

namespace fs = std::filesystem;

namespace {

// The id of a queue entry name "id:NNNNNN[,...]", or -1.
long entry_id(const std::string& name) {
    if (!name.starts_with("id:") || name.size() < 9) return -1;
    char* end = nullptr;
    const long id = std::strtol(name.c_str() + 3, &end, 10);
    return end == name.c_str() + 3 || (*end != '\0' && *end != ',') ? -1 : id;
}

}  // namespace

std::string default_instance_name(const fs::path& campaign_out) {
    char host[64] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || !host[0]) std::snprintf(host, sizeof host, "host");
    std::string h;
    for (const char* c = host; *c && h.size() < 14; ++c) h += (std::isalnum(static_cast<unsigned char>(*c)) || *c == '-') ? *c : '_';
    std::error_code ec;
    const std::string path = fs::weakly_canonical(fs::absolute(campaign_out), ec).string();
    Fnv f;
    f.add(path);
    return h + "-" + f.hex().substr(0, 8);
}

Status check_instance_name(const std::string& name) {
    const bool ok = !name.empty() && name.size() <= 24 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (!ok) return usage_error("--instance '" + name + "': letters, digits, '_' and '-', at most 24 characters (AFL++'s sync id rule)");
    return ok_status();
}

Expected<SyncDir> SyncDir::open(const fs::path& dir, const std::string& instance) {
    MH_TRY(check_instance_name(instance));
    SyncDir s;
    s.dir_ = dir;
    s.instance_ = instance;
    std::error_code ec;
    fs::create_directories(dir / instance / "queue", ec);
    if (ec) return storage_error("--sync-dir: cannot create " + (dir / instance / "queue").string() + ": " + ec.message());
    for (fs::directory_iterator it(dir / instance / "queue", ec), end; !ec && it != end; it.increment(ec))
        if (const long id = entry_id(it->path().filename().string()); id >= 0)
            s.next_export_ = std::max(s.next_export_, static_cast<unsigned>(id) + 1);
    return s;
}

Status SyncDir::export_entry(const std::string& name, const std::string& data) {
    char id[32];
    std::snprintf(id, sizeof id, "id:%06u,orig:", next_export_);
    // write_file_atomic: a temporary beside it, renamed (a reader never sees half an entry).
    MH_TRY(write_file_atomic(dir_ / instance_ / "queue" / (id + name), data));
    ++next_export_;
    return ok_status();
}

std::vector<SyncedEntry> SyncDir::import_new() {
    std::vector<SyncedEntry> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string other = it->path().filename().string();
        if (other == instance_ || other.empty() || other[0] == '.') continue;
        std::error_code qec;
        std::vector<std::pair<long, std::string>> fresh;
        const long seen = seen_.count(other) ? seen_[other] : -1;
        for (fs::directory_iterator q(it->path() / "queue", qec), qend; !qec && q != qend; q.increment(qec)) {
            const std::string name = q->path().filename().string();
            if (const long id = entry_id(name); id > seen) fresh.emplace_back(id, name);
        }
        std::sort(fresh.begin(), fresh.end());
        for (const auto& [id, name] : fresh) {
            auto data = read_text_file(it->path() / "queue" / name);
            if (!data) break;  // not readable now (a copy in progress): from here next time
            const size_t orig = name.find(",orig:");
            std::string corpus_name = orig == std::string::npos ? "" : name.substr(orig + 6);
            if (corpus_name.empty() || corpus_name.find('/') != std::string::npos || corpus_name[0] == '.') {
                Fnv f;
                f.add(*data);
                corpus_name = "sync-" + f.hex();
            }
            out.push_back({corpus_name, std::move(*data), other});
            seen_[other] = id;
        }
    }
    return out;
}

}  // namespace mh::campaign
