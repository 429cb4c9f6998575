// Man page statements: parser, page choice per distribution, and what a page says per call.
#include "conformance/man_pages.h"

#include <algorithm>
#include <set>

#include "conformance/contract.h"
#include "harness/common/text.h"

namespace mh::conformance {
namespace {

bool valid_key(const std::string& k) {
    if (k.empty() || k.size() > 64) return false;
    return std::all_of(k.begin(), k.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
    });
}

}  // namespace

Expected<ManPages> parse_man_pages(const std::string& text, const std::string& source_name) {
    ManPages m;
    std::vector<ManStatement> pending;  // page names are checked once every page is known
    for (auto [line, lineno] : lines(text)) {
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        auto where = source_name + ":" + std::to_string(lineno) + ": ";
        auto sp = t.find(' ');
        std::string kind = t.substr(0, sp);
        auto fields = split_fields(sp == std::string::npos ? "" : t.substr(sp + 1));
        if (kind == "page") {
            if (fields.size() != 3) return make_error(where + "page needs 3 fields: NAME | distributions | title");
            if (!valid_key(fields[0])) return make_error(where + "bad page name '" + fields[0] + "'");
            if (find_man_page(m, fields[0])) return make_error(where + "page " + fields[0] + " defined twice");
            ManPage p{fields[0], {}, fields[1] == "*", fields[2]};
            if (!p.fallback) p.distros = split_trimmed(fields[1], ',');
            m.pages.push_back(std::move(p));
        } else if (kind == "says") {
            if (fields.size() != 5) return make_error(where + "says needs 5 fields: KEY | pages | calls | result | words");
            ManStatement s;
            s.key = fields[0];
            s.line = static_cast<int>(lineno);
            if (!valid_key(s.key)) return make_error(where + "bad statement key '" + s.key + "'");
            if (m.says.count(s.key)) return make_error(where + "statement " + s.key + " defined twice");
            if (fields[1] != "*") s.pages = split_trimmed(fields[1], ',');
            for (const auto& c : split_trimmed(fields[2], ',')) {
                if (c == "init")
                    s.init = true;
                else if (c == "finit")
                    s.finit = true;
                else
                    return make_error(where + "calls must be init, finit or init,finit (got '" + fields[2] + "')");
            }
            auto result = parse_errno_set(fields[3]);
            if (!result) return make_error(where + "result: " + result.error().message);
            if (!result->has_value() || (*result)->empty()) return make_error(where + "result must name errnos, 0 or sentinel");
            s.result = **result;
            s.words = fields[4];
            m.says[s.key] = s;
            pending.push_back(s);
        } else {
            return make_error(where + "line must start with 'page' or 'says'");
        }
    }
    if (std::count_if(m.pages.begin(), m.pages.end(), [](const ManPage& p) { return p.fallback; }) != 1)
        return make_error(source_name + ": exactly one page must have distributions '*' (the page for every other kernel)");
    std::set<std::string> distros;
    for (const auto& p : m.pages)
        for (const auto& d : p.distros)
            if (!distros.insert(d).second) return make_error(source_name + ": distribution " + d + " has two pages");
    for (const auto& s : pending)
        for (const auto& p : s.pages)
            if (!find_man_page(m, p))
                return make_error(source_name + ":" + std::to_string(s.line) + ": statement " + s.key + " names unknown page '" + p + "'");
    return m;
}

const ManPage* find_man_page(const ManPages& m, const std::string& name) {
    for (const auto& p : m.pages)
        if (p.name == name) return &p;
    return nullptr;
}

const ManPage* default_man_page(const ManPages& m, const std::string& distro) {
    const ManPage* fallback = nullptr;
    for (const auto& p : m.pages) {
        if (!distro.empty() && std::find(p.distros.begin(), p.distros.end(), distro) != p.distros.end()) return &p;
        if (p.fallback) fallback = &p;
    }
    return fallback;
}

std::string man_page_names(const ManPages& m) {
    std::string out;
    for (const auto& p : m.pages) out += (out.empty() ? "" : ", ") + p.name;
    return out;
}

ManView man_view(const ManPages& m, const std::vector<std::string>& keys, const std::string& page, const std::string& call) {
    ManView v;
    for (const auto& k : keys) {
        auto it = m.says.find(k);
        if (it == m.says.end()) continue;  // validate_contract rejects unknown keys
        const auto& s = it->second;
        if (!s.pages.empty() && std::find(s.pages.begin(), s.pages.end(), page) == s.pages.end()) continue;
        if (!((call == "init" && s.init) || (call == "finit" && s.finit))) continue;
        v.used.push_back(&s);
        for (int e : s.result)
            if (std::find(v.errnos.begin(), v.errnos.end(), e) == v.errnos.end()) v.errnos.push_back(e);
    }
    return v;
}

}  // namespace mh::conformance
