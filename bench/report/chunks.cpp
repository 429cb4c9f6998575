// Chunk reassembly: order-independent, duplicates tolerated, totals must agree.
#include "bench/report/chunks.h"

#include <cstdlib>

#include "harness/protocol/frame_types.h"

namespace mh::bench {

bool ChunkAssembler::feed(const KvRecord& rec) {
    if (protocol::frame_type(rec) != protocol::FrameType::Chunk) return true;
    auto stream = rec.get("stream"), seq = rec.get("seq"), total = rec.get("total"), data = rec.get("data");
    if (!stream || !seq || !total || !data) {
        ++rejected_;
        return false;
    }
    char* end = nullptr;
    unsigned long long s = std::strtoull(seq->c_str(), &end, 10);
    bool bad = seq->empty() || *end != '\0';
    unsigned long long t = std::strtoull(total->c_str(), &end, 10);
    bad = bad || total->empty() || *end != '\0' || t == 0 || s >= t;
    auto& st = streams_[*stream];
    if (!bad && st.total != 0 && st.total != t) bad = true;
    if (bad) {
        ++rejected_;
        return false;
    }
    st.total = static_cast<size_t>(t);
    st.parts[static_cast<size_t>(s)] = *data;
    return true;
}

std::optional<std::string> ChunkAssembler::text(const std::string& stream) const {
    auto it = streams_.find(stream);
    if (it == streams_.end() || it->second.parts.size() != it->second.total) return std::nullopt;
    std::string out;
    for (const auto& [i, part] : it->second.parts) out += part;
    return out;
}

std::vector<size_t> ChunkAssembler::missing(const std::string& stream) const {
    std::vector<size_t> out;
    auto it = streams_.find(stream);
    if (it == streams_.end()) return out;
    for (size_t i = 0; i < it->second.total; ++i)
        if (!it->second.parts.count(i)) out.push_back(i);
    return out;
}

}  // namespace mh::bench
