// Escaping arbitrary bytes into XML 1.0 / HTML text and attribute values that stay well-formed.
#include "harness/common/markup_escape.h"

#include <cstdint>

namespace mh {
namespace {

void hex_byte(std::string& out, unsigned char b) {
    static constexpr char digits[] = "0123456789ABCDEF";
    out += "\\x";
    out += digits[b >> 4];
    out += digits[b & 0xF];
}

// Length of the valid UTF-8 sequence at s[i] whose code point XML allows, or 0.
std::size_t valid_utf8_char(std::string_view s, std::size_t i) {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b0 = at(i);
    std::size_t n;
    uint32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        n = 2, cp = b0 & 0x1Fu;
    else if (b0 >= 0xE0 && b0 <= 0xEF)
        n = 3, cp = b0 & 0x0Fu;
    else if (b0 >= 0xF0 && b0 <= 0xF4)
        n = 4, cp = b0 & 0x07u;
    else
        return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((at(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (at(i + k) & 0x3Fu);
    }
    // Reject overlongs, surrogates, > U+10FFFF, and the C1 controls / non-characters XML 1.0 discourages or forbids.
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    if (cp >= 0x80 && cp <= 0x9F) return 0;
    if (cp == 0xFFFE || cp == 0xFFFF) return 0;
    return n;
}

std::string escape(std::string_view s, bool attr) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            switch (b) {
                case '&': out += "&amp;"; break;
                case '<': out += "&lt;"; break;
                case '>': out += "&gt;"; break;
                case '"': out += "&quot;"; break;
                case '\'': out += "&#39;"; break;
                case '\t': out += attr ? "&#9;" : "\t"; break;
                case '\n': out += attr ? "&#10;" : "\n"; break;
                case '\r': out += "&#13;"; break;
                default:
                    if (b < 0x20 || b == 0x7F)
                        hex_byte(out, b);
                    else
                        out += static_cast<char>(b);
            }
            ++i;
            continue;
        }
        std::size_t n = valid_utf8_char(s, i);
        if (n == 0) {
            hex_byte(out, b);
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace

std::string markup_text(std::string_view s) { return escape(s, false); }
std::string markup_attr(std::string_view s) { return escape(s, true); }

}  // namespace mh
