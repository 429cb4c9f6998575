// One-line key=value records: the text form of cases and of result frames (guest and host).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/common/expected.h"

namespace mh {

// An ordered list of key/value pairs. Order is kept so records stay readable and stable.
class KvRecord {
public:
    void set(std::string key, std::string value);
    std::optional<std::string> get(std::string_view key) const;
    std::string get_or(std::string_view key, std::string fallback) const;
    bool has(std::string_view key) const { return get(key).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// Percent-escapes every byte outside a safe set (so values never contain space, '=' or newline).
std::string kv_escape(std::string_view raw);
// Inverse of kv_escape; malformed escapes are errors.
Expected<std::string> kv_unescape(std::string_view escaped);

// "a=1 b=hello%20world". Keys must be [a-z0-9_.-]+.
std::string kv_format(const KvRecord& record);
// Parses one line (no newline). Errors name the token and its column.
Expected<KvRecord> kv_parse(std::string_view line);

}  // namespace mh
