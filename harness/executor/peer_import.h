// Peer inputs the host relays into a running fuzz VM over the results UART (the finds of the
// campaign's other VMs, and of other hosts through --sync-dir), as `file` records with the path
// mh/peers/<peer>/<name>. Each is written where the engine's own synchronisation reads it:
//   dir  into the directory itself: libFuzzer's output corpus, which -reload=N re-reads;
//   afl  into <dir>/<peer>/queue/id:NNNNNN,orig:<name>: AFL++'s sync_dir layout (ids contiguous
//        per peer, as sync_fuzzers expects); the peer `main` also gets is_main_node, the mark
//        AFL++ secondaries sync from.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "harness/executor/host_lines.h"

namespace mh::executor {

enum class ImportLayout { Dir, Afl };

class PeerImport {
public:
    PeerImport(ImportLayout layout, std::string dir);
    // Writes every peer record that has arrived by now; `written(name)` hears the file names put
    // into `dir` itself (the dir layout), so the supervisor does not send them back as new.
    void poll(const std::function<void(const std::string&)>& written);
    uint64_t imported() const { return imported_; }
    uint64_t rejected() const { return rejected_; }  // damaged or misplaced records

private:
    ImportLayout layout_;
    std::string dir_;
    HostLines lines_{true};
    std::map<std::string, unsigned> next_id_;  // per peer (afl layout)
    uint64_t imported_ = 0, rejected_ = 0;
};

}  // namespace mh::executor
