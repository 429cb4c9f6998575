// deflate + base64 codec for binary frame payloads (see packed_bytes.h).
#include "harness/common/packed_bytes.h"

#include <zlib.h>

namespace mh {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16 |
                           static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8 | static_cast<uint8_t>(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
    }
    const size_t rest = bytes.size() - i;
    if (rest) {
        uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
        if (rest == 2) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        if (rest == 2) out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

Expected<std::string> base64_decode(std::string_view text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (text.size() % 4 == 1) return make_error("base64: impossible length " + std::to_string(text.size()));
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const int v = value(text[i]);
        if (v < 0) return make_error("base64: bad character at " + std::to_string(i));
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::string pack_bytes(std::string_view bytes) {
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::string z(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uLong>(bytes.size()),
                  1) != Z_OK)
        return {};
    z.resize(size);
    return base64_encode(z);
}

Expected<std::string> unpack_bytes(std::string_view packed, size_t original_size) {
    if (original_size > (64u << 20)) return make_error("packed payload claims " + std::to_string(original_size) + " bytes (limit 64 MiB)");
    auto z = base64_decode(packed);
    if (!z) return z.error();
    std::string out(original_size, '\0');
    uLongf size = static_cast<uLongf>(original_size);
    const int rc =
        uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(z->data()), static_cast<uLong>(z->size()));
    if (rc != Z_OK || size != original_size)
        return make_error("packed payload does not inflate to " + std::to_string(original_size) + " bytes");
    return out;
}

}  // namespace mh
