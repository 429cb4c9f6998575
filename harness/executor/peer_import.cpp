#include "harness/executor/peer_import.h"

#include <cstdio>

#include "harness/common/kv.h"
#include "harness/protocol/frame_types.h"
#include "harness/protocol/go_record.h"

namespace mh::executor {

PeerImport::PeerImport(ImportLayout layout, std::string dir) : layout_(layout), dir_(std::move(dir)) {}

void PeerImport::poll(const std::function<void(const std::string&)>& written) {
    if (!lines_.open()) return;
    while (auto line = lines_.ready_line(protocol::kMaxGoFileLineBytes)) {
        auto rec = kv_parse(*line);
        if (!rec || protocol::frame_type(*rec) != protocol::FrameType::File) continue;  // a go line resent before our hello arrived
        auto file = protocol::parse_go_file(*rec);
        constexpr std::string_view prefix = "mh/peers/";
        const std::string path = file ? file->path : "";
        const size_t slash = path.find('/', prefix.size());
        if (!file || !path.starts_with(prefix) || slash == std::string::npos || path.find('/', slash + 1) != std::string::npos) {
            ++rejected_;
            continue;
        }
        const std::string peer = path.substr(prefix.size(), slash - prefix.size()), name = path.substr(slash + 1);
        std::string dest;
        if (layout_ == ImportLayout::Dir) {
            dest = dir_ + "/" + name;
        } else {
            const std::string peer_dir = dir_ + "/" + peer;
            if (peer == "main" && next_id_[peer] == 0) (void)write_guest_file(peer_dir + "/is_main_node", "");
            char id[32];
            std::snprintf(id, sizeof id, "id:%06u", next_id_[peer]);
            dest = peer_dir + "/queue/" + id + ",orig:" + name;
        }
        if (!place_guest_file(dest, file->data)) {
            ++rejected_;
            continue;
        }
        if (layout_ == ImportLayout::Afl) ++next_id_[peer];
        if (layout_ == ImportLayout::Dir) written(name);
        ++imported_;
    }
}

}  // namespace mh::executor
