#include "harness/protocol/go_record.h"

#include <cerrno>
#include <cstdlib>

#include "harness/common/fnv.h"
#include "harness/common/packed_bytes.h"
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

std::string fnv_of(const std::string& data) {
    Fnv f;
    f.add(data);
    return f.hex();
}

bool safe_guest_path(const std::string& path) {
    if (path.rfind("mh/", 0) != 0 || path.size() > 200) return false;
    if (path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") != std::string::npos) return false;
    size_t from = 0;
    for (;;) {
        const size_t slash = path.find('/', from);
        const std::string part = path.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
        if (part.empty() || part == "." || part == "..") return false;
        if (slash == std::string::npos) return true;
        from = slash + 1;
    }
}

}  // namespace

std::string format_go(const GoRecord& go) {
    KvRecord r = make_record(FrameType::Go);
    r.set("start", std::to_string(go.start));
    r.set("stop", std::to_string(go.stop));
    r.set("token", go.token);
    r.set("seed", go.seed_hex);
    r.set("files", std::to_string(go.files));
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
    if (record.get("files")) {
        auto files = parse_index(record, "files");
        if (!files) return files.error();
        if (*files < 0) return make_error("go record: negative files");
        go.files = *files;
    }
    return go;
}

std::string format_go_file(const GoFile& file) {
    KvRecord r = make_record(FrameType::File);
    r.set("path", file.path);
    r.set("size", std::to_string(file.data.size()));
    r.set("fnv", fnv_of(file.data));
    r.set("data", pack_bytes(file.data));
    return kv_format(r) + "\n";
}

Expected<GoFile> parse_go_file(const KvRecord& record) {
    if (frame_type(record) != FrameType::File) return make_error("not a file record");
    GoFile f;
    f.path = record.get_or("path", "");
    if (!safe_guest_path(f.path)) return make_error("file record: path '" + f.path + "' is not a plain path under mh/");
    const std::string size_text = record.get_or("size", "");
    errno = 0;
    char* end = nullptr;
    const unsigned long long size = std::strtoull(size_text.c_str(), &end, 10);
    if (size_text.empty() || *end != '\0' || errno != 0 || size > kMaxGoFileLineBytes)
        return make_error("file record " + f.path + ": bad size '" + size_text + "'");
    auto data = unpack_bytes(record.get_or("data", ""), static_cast<size_t>(size));
    if (!data) return make_error("file record " + f.path + ": " + data.error().message);
    if (data->size() != size) return make_error("file record " + f.path + ": " + std::to_string(data->size()) + " bytes, not " + size_text);
    if (fnv_of(*data) != record.get_or("fnv", "")) return make_error("file record " + f.path + ": checksum mismatch");
    f.data = std::move(*data);
    return f;
}

}  // namespace mh::protocol
