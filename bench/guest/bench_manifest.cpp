// Parser of /mh/bench.conf (kv lines written by `modharness bench`).
#include "bench/guest/bench_manifest.h"

#include <cstdlib>

#include "harness/common/kv.h"
#include "harness/common/text.h"
#include "harness/protocol/frame_types.h"

namespace mh::bench {

Expected<Manifest> parse_manifest(const std::string& text) {
    Manifest m;
    for (auto [line, lineno] : lines(text)) {
        if (line.empty() || line[0] == '#') continue;
        auto rec = kv_parse(line);
        if (!rec) return make_error("bench.conf:" + std::to_string(lineno) + ": " + rec.error().message);
        const auto type = protocol::frame_type(*rec);
        auto num = [&](const char* key, long long fallback) {
            auto v = rec->get(key);
            return v ? std::strtoll(v->c_str(), nullptr, 0) : fallback;
        };
        if (type == protocol::FrameType::Store) {
            m.store.brd_module = rec->get_or("brd", "");
            m.store.image = rec->get_or("image", "");
            m.store.mount_point = rec->get_or("mount", "/store");
        } else if (type == protocol::FrameType::Module) {
            ModuleEntry e;
            e.bytes = static_cast<uint64_t>(num("bytes", 0));
            e.label = rec->get_or("label", "");
            e.name = rec->get_or("name", "");
            e.path = rec->get_or("path", "");
            e.xz_path = rec->get_or("xz", "");
            e.reps = static_cast<int>(num("reps", 5));
            if (e.name.empty() || e.path.empty())
                return make_error("bench.conf:" + std::to_string(lineno) + ": module needs name and path");
            m.modules.push_back(e);
        } else if (type == protocol::FrameType::Reject) {
            RejectEntry e;
            e.klass = rec->get_or("class", "");
            e.call = rec->get_or("call", "init");
            e.path = rec->get_or("path", "");
            e.name = rec->get_or("name", "");
            e.flags = static_cast<unsigned long>(num("flags", 0));
            e.reps = static_cast<int>(num("reps", 50));
            m.rejects.push_back(e);
        } else if (type == protocol::FrameType::Settings) {
            m.calib_reps = static_cast<int>(num("calib_reps", m.calib_reps));
            m.calib_bytes = static_cast<uint64_t>(num("calib_bytes", static_cast<long long>(m.calib_bytes)));
            m.calib_file = rec->get_or("calib_file", "");
            m.skew_sleep_s = std::strtod(rec->get_or("skew_sleep", "2").c_str(), nullptr);
            m.interleave = rec->get_or("interleave", "1") == "1";
        } else {
            return make_error("bench.conf:" + std::to_string(lineno) + ": unknown type '" + rec->get_or("type", "") + "'");
        }
    }
    return m;
}

}  // namespace mh::bench
