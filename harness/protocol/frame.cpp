// Frame encoder/decoder for the results channel.
#include "harness/protocol/frame.h"

#include <zlib.h>

#include <cstdio>

namespace mh::protocol {
namespace {

constexpr std::string_view kMagic = "MH1 ";
// Results are small; a cap keeps a flood of junk without newlines from growing memory.
constexpr size_t kMaxLine = 1u << 20;

bool parse_frame_line(std::string_view line, std::string& payload) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, kMagic.size()) != kMagic) return false;
    line.remove_prefix(kMagic.size());
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp > 8) return false;
    size_t len = 0;
    for (char c : line.substr(0, sp)) {
        if (c < '0' || c > '9') return false;
        len = len * 10 + static_cast<size_t>(c - '0');
    }
    line.remove_prefix(sp + 1);
    if (line.size() < 9 || line[8] != ' ') return false;
    uint32_t crc = 0;
    for (char c : line.substr(0, 8)) {
        int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
        if (v < 0) return false;
        crc = (crc << 4) | static_cast<uint32_t>(v);
    }
    line.remove_prefix(9);
    if (line.size() != len || frame_crc(line) != crc) return false;
    payload.assign(line);
    return true;
}

}  // namespace

uint32_t frame_crc(std::string_view payload) {
    return static_cast<uint32_t>(::crc32_z(0, reinterpret_cast<const Bytef*>(payload.data()), payload.size()));
}

std::string frame_encode(std::string_view payload) {
    char head[32];
    std::snprintf(head, sizeof head, "MH1 %zu %08x ", payload.size(), frame_crc(payload));
    std::string out(head);
    out.append(payload);
    out.push_back('\n');
    return out;
}

std::vector<std::string> FrameDecoder::feed(std::string_view chunk) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i < chunk.size(); ++i) {
        if (chunk[i] != '\n') continue;
        partial_.append(chunk.substr(start, i - start));
        start = i + 1;
        std::string payload;
        if (parse_frame_line(partial_, payload)) {
            out.push_back(std::move(payload));
        } else if (!partial_.empty() && partial_ != "\r") {
            ++bad_frames_;
        }
        partial_.clear();
    }
    partial_.append(chunk.substr(start));
    if (partial_.size() > kMaxLine) {
        ++bad_frames_;
        partial_.clear();
    }
    return out;
}

}  // namespace mh::protocol
