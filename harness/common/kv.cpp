// key=value record codec with percent escaping.
#include "harness/common/kv.h"

namespace mh {
namespace {

bool is_safe_value_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == ',' ||
           c == ':' || c == '/' || c == '+' || c == '@' || c == '|' || c == '(' || c == ')' || c == '[' || c == ']' || c == '<' ||
           c == '>' || c == '!' || c == '*' || c == '#' || c == '~' || c == '^' || c == '{' || c == '}' || c == '&' || c == '\'' ||
           c == '"' || c == ';' || c == '?' || c == '$';
}

bool is_key_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

void KvRecord::set(std::string key, std::string value) {
    for (auto& kv : items_)
        if (kv.first == key) {
            kv.second = std::move(value);
            return;
        }
    items_.emplace_back(std::move(key), std::move(value));
}

std::optional<std::string> KvRecord::get(std::string_view key) const {
    for (const auto& kv : items_)
        if (kv.first == key) return kv.second;
    return std::nullopt;
}

std::string KvRecord::get_or(std::string_view key, std::string fallback) const {
    auto v = get(key);
    return v ? *v : std::move(fallback);
}

std::string kv_escape(std::string_view raw) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(raw.size());
    for (unsigned char c : raw) {
        if (is_safe_value_char(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

Expected<std::string> kv_unescape(std::string_view escaped) {
    std::string out;
    out.reserve(escaped.size());
    for (size_t i = 0; i < escaped.size(); ++i) {
        char c = escaped[i];
        if (c != '%') {
            out.push_back(c);
            continue;
        }
        if (i + 2 >= escaped.size()) return make_error("truncated %-escape at byte " + std::to_string(i));
        int hi = hex_value(escaped[i + 1]), lo = hex_value(escaped[i + 2]);
        if (hi < 0 || lo < 0) return make_error("bad %-escape at byte " + std::to_string(i));
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

std::string kv_format(const KvRecord& record) {
    std::string out;
    for (const auto& [k, v] : record.items()) {
        if (!out.empty()) out.push_back(' ');
        out += k;
        out.push_back('=');
        out += kv_escape(v);
    }
    return out;
}

Expected<KvRecord> kv_parse(std::string_view line) {
    KvRecord rec;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        if (i >= line.size()) break;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        std::string_view token = line.substr(start, i - start);
        size_t eq = token.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return make_error("token '" + std::string(token.substr(0, 40)) + "' at column " + std::to_string(start + 1) +
                              " is not key=value");
        std::string_view key = token.substr(0, eq);
        for (char c : key)
            if (!is_key_char(c))
                return make_error("key '" + std::string(key.substr(0, 40)) + "' at column " + std::to_string(start + 1) +
                                  " has a character outside [a-z0-9_.-]");
        auto value = kv_unescape(token.substr(eq + 1));
        if (!value) return make_error("key '" + std::string(key) + "': " + value.error().message);
        if (rec.has(key)) return make_error("key '" + std::string(key) + "' given twice");
        rec.set(std::string(key), std::move(value).value());
    }
    return rec;
}

}  // namespace mh
