// A sync directory shared by campaigns (modharness fuzz --sync-dir), on this host or others (NFS,
// or exchanged with rsync), in AFL++'s documented distributed layout: one directory per instance,
// DIR/<instance>/queue/id:NNNNNN,orig:<name>, each instance writing only its own and reading the
// others'. A campaign exports every new corpus entry to its queue and imports what the other
// instances' queues gained since it last looked. AFL++ instances pointed at the same DIR (-o DIR,
// -S name) read our queues; their entries (id:NNNNNN,src:...) are imported under their content
// hash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::campaign {

// The default instance name: host name and a hash of the campaign directory (unique per host and
// campaign, the same when the campaign resumes).
std::string default_instance_name(const std::filesystem::path& campaign_out);
// AFL++'s rule for a sync id: letters, digits, '_' and '-', at most 24 characters.
Status check_instance_name(const std::string& name);

struct SyncedEntry {
    std::string name;  // the corpus name it gets: the orig: part of our entries, else a content hash
    std::string data;
    std::string instance;  // whose queue it came from
};

class SyncDir {
public:
    // Creates DIR/<instance>/queue if missing; the next export id follows the entries already there.
    static Expected<SyncDir> open(const std::filesystem::path& dir, const std::string& instance);
    // Writes one corpus entry into our queue (a temporary, then renamed: readers see it whole).
    Status export_entry(const std::string& name, const std::string& data);
    // Entries of the other instances' queues this instance has not looked at yet (by id, per
    // instance; a queue that cannot be read now is tried again next time).
    std::vector<SyncedEntry> import_new();

    const std::filesystem::path& dir() const { return dir_; }
    const std::string& instance() const { return instance_; }

private:
    std::filesystem::path dir_;
    std::string instance_;
    unsigned next_export_ = 0;
    std::map<std::string, long> seen_;  // instance -> highest id imported
};

}  // namespace mh::campaign
