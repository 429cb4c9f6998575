#include "harness/protocol/go_record.h"

#include <cerrno>
#include <cstdlib>

#include "harness/protocol/frame_types.h"

namespace mh::protocol {
namespace {

Expected<int> parse_index(const KvRecord& r, const char* key) {
    auto v = r.get(key);
    if (!v) return make_error(std::string("go record without ") + key);
    errno = 0;
    char* end = nullptr;
    const long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || errno != 0 || n < -1 || n > 1000000000L)
        return make_error(std::string("go record: bad ") + key + " '" + *v + "'");
    return static_cast<int>(n);
}

bool is_hex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

}  // namespace

std::string format_go(const GoRecord& go) {
    KvRecord r = make_record(FrameType::Go);
    r.set("start", std::to_string(go.start));
    r.set("stop", std::to_string(go.stop));
    r.set("token", go.token);
    r.set("seed", go.seed_hex);
    return kv_format(r) + "\n";
}

Expected<GoRecord> parse_go(const KvRecord& record) {
    if (frame_type(record) != FrameType::Go) return make_error("not a go record");
    GoRecord go;
    auto start = parse_index(record, "start");
    if (!start) return start.error();
    auto stop = parse_index(record, "stop");
    if (!stop) return stop.error();
    if (*start < 0) return make_error("go record: negative start");
    go.start = *start;
    go.stop = *stop;
    go.token = record.get("token").value_or("");
    if (go.token.empty()) return make_error("go record without token");
    go.seed_hex = record.get("seed").value_or("");
    if (go.seed_hex.size() != 2 * kGoSeedBytes || !is_hex(go.seed_hex))
        return make_error("go record: seed is not " + std::to_string(2 * kGoSeedBytes) + " hex digits");
    return go;
}

}  // namespace mh::protocol
