// Debian changelog parsing (deb-changelog(5)) and relevance ranking for loader changes.
#include "harness/kernels/debian_changelog.h"

#include <algorithm>
#include <cctype>

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/elf/compression.h"
#include "harness/kernels/debian_version.h"

namespace mh::kernels {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::size_t indent_of(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && s[n] == ' ') ++n;
    return n;
}

// "linux (6.1.192-3) bookworm-security; urgency=high" -> package, version, distribution.
bool parse_header(std::string_view line, ChangelogEntry& e) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') return false;
    const auto open = line.find(" (");
    const auto close = line.find(") ", open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos || open == 0) return false;
    const auto semi = line.find(';', close);
    e.package = std::string(line.substr(0, open));
    e.version = std::string(line.substr(open + 2, close - open - 2));
    e.distribution = trim(line.substr(close + 2, semi == std::string_view::npos ? std::string_view::npos : semi - close - 2));
    return !e.version.empty() && e.package.find(' ') == std::string::npos;
}

// "    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.1.191" -> "6.1.191".
std::string upstream_of_url(std::string_view s) {
    const auto at = s.find("ChangeLog-");
    if (!starts_with(s, "http") || at == std::string_view::npos) return "";
    return trim(s.substr(at + 10));
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `word` as a whole identifier in `text`.
bool names_identifier(std::string_view text, std::string_view word) {
    for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
        const bool left = at == 0 || !is_ident_char(text[at - 1]);
        const bool right = at + word.size() >= text.size() || !is_ident_char(text[at + word.size()]);
        if (left && right) return true;
    }
    return false;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The subject without architecture tags: "[x86] module: ..." -> "module: ...".
std::string_view subject_of(std::string_view text) {
    while (starts_with(text, "[")) {
        const auto close = text.find("] ");
        if (close == std::string_view::npos) break;
        text = text.substr(close + 2);
    }
    return text;
}

}  // namespace

Expected<std::vector<ChangelogEntry>> parse_debian_changelog(std::string_view text) {
    std::vector<ChangelogEntry> entries;
    ChangelogItem* last = nullptr;  // the item continuation lines extend
    std::string under, upstream;
    for (auto [raw, number] : lines(text)) {
        std::string_view line = raw;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trim(line).empty()) continue;
        ChangelogEntry header;
        if (parse_header(line, header)) {
            entries.push_back(std::move(header));
            last = nullptr;
            under.clear();
            upstream.clear();
            continue;
        }
        if (entries.empty())
            return make_error("changelog line " + std::to_string(number) +
                              ": expected an entry header 'package (version) distribution; ...', got '" + std::string(line.substr(0, 80)) +
                              "'");
        auto& entry = entries.back();
        const auto indent = indent_of(line);
        const std::string_view body = line.substr(indent);
        if (starts_with(line, " -- ")) {
            const auto gt = line.find(">  ");
            if (gt != std::string_view::npos) entry.date = trim(line.substr(gt + 3));
            last = nullptr;
        } else if (indent == 2 && starts_with(body, "[ ")) {
            last = nullptr;  // "[ Maintainer ]": who, not what
            under.clear();
            upstream.clear();
        } else if (indent == 2 && starts_with(body, "* ")) {
            under = trim(body.substr(2));
            upstream.clear();
            entry.items.push_back({entry.version, under, "", "", number});
            last = &entry.items.back();
        } else if (indent == 4 && starts_with(body, "- ")) {
            entry.items.push_back({entry.version, trim(body.substr(2)), under, upstream, number});
            last = &entry.items.back();
        } else if (auto up = upstream_of_url(body); indent == 4 && !up.empty()) {
            upstream = up;
            last = nullptr;
        } else if (last) {
            last->text += " " + trim(body);  // a wrapped line
            if (last->under.empty()) under = last->text;
        }
    }
    if (entries.empty()) return make_error("changelog: no entry header 'package (version) distribution; ...'");
    return entries;
}

std::vector<ChangelogItem> changelog_between(const std::vector<ChangelogEntry>& entries, std::string_view after, std::string_view up_to) {
    std::vector<ChangelogItem> out;
    // A backport's changelog interleaves its own entries ("6.12.117-1~deb12u1: Rebuild for
    // bookworm") with those of the version it was rebuilt from ("6.12.117-1"), which sort after it
    // in dpkg order. When both ends have an entry, the file order decides: from up_to's entry down
    // to, not including, after's.
    auto at = [&](std::string_view v) {
        return std::find_if(entries.begin(), entries.end(), [&](const ChangelogEntry& e) { return e.version == v; });
    };
    const auto top = at(up_to), bottom = at(after);
    if (top != entries.end() && bottom != entries.end()) {
        for (auto e = top; e < bottom; ++e) out.insert(out.end(), e->items.begin(), e->items.end());
        return out;
    }
    for (const auto& e : entries)
        if (compare_debian_versions(e.version, after) > 0 && compare_debian_versions(e.version, up_to) <= 0)
            out.insert(out.end(), e.items.begin(), e.items.end());
    return out;
}

Expected<std::vector<ChangelogEntry>> read_kernel_changelog(const std::filesystem::path& kernel_dir) {
    const auto doc = kernel_dir / "usr/share/doc";
    std::error_code ec;
    std::filesystem::path found;
    for (const auto& d : std::filesystem::directory_iterator(doc, ec)) {
        const auto name = d.path().filename().string();
        if (starts_with(name, "linux-image-") && std::filesystem::exists(d.path() / "changelog.Debian.gz", ec))
            found = d.path() / "changelog.Debian.gz";
    }
    if (found.empty())
        return environment_error("no usr/share/doc/linux-image-*/changelog.Debian.gz in " + kernel_dir.string() +
                                 " (not a Debian kernel package, or fetched without its documentation)");
    MH_TRY_ASSIGN(packed, read_file_bytes(found));
    auto text = elf::decompress(packed, 256u << 20);
    if (!text) return make_error(found.string() + ": " + text.error().message);
    auto entries = parse_debian_changelog(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));
    if (!entries) return make_error(found.string() + ": " + entries.error().message);
    return entries;
}

std::vector<RankedItem> rank_changelog_items(const std::vector<ChangelogItem>& items, const std::vector<std::string>& functions,
                                             bool keep_unmatched) {
    static const std::vector<std::string_view> kSubjects = {"module:", "modules:", "module/", "kmod:", "kmod "};
    static const std::vector<std::string_view> kAreas = {"kernel/module", "x86/module",  "module signing", "module_sig",
                                                         "elf",           "livepatch",   "kallsyms",       "modpost",
                                                         "finit_module",  "init_module", "load_module"};
    std::vector<RankedItem> out;
    for (const auto& item : items) {
        RankedItem r{item, 0, {}};
        const auto subject = lower(subject_of(item.text));
        for (auto p : kSubjects)
            if (starts_with(subject, p)) {
                r.score += 10;
                r.why.push_back("subject " + std::string(p));
                break;
            }
        for (auto a : kAreas)
            if (a == "elf" ? names_identifier(subject, a) : subject.find(a) != std::string::npos) {
                r.score += 5;
                r.why.push_back("names " + std::string(a));
                break;
            }
        for (const auto& f : functions)
            if (f.size() >= 4 && names_identifier(item.text, f)) {
                r.score += 8;
                r.why.push_back("names " + f);
            }
        if (r.score > 0 || keep_unmatched) out.push_back(std::move(r));
    }
    std::stable_sort(out.begin(), out.end(), [](const RankedItem& a, const RankedItem& b) { return a.score > b.score; });
    return out;
}

}  // namespace mh::kernels
