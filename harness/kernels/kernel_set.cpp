// Kernel sets: parsing set items and expanding them against the archive, the cache and bzImages.
#include "harness/kernels/kernel_set.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "harness/common/error_kind.h"
#include "harness/common/text.h"
#include "harness/kernels/debian_version.h"
#include "harness/kernels/kernel_tree.h"

namespace mh::kernels {
namespace fs = std::filesystem;
namespace {

constexpr unsigned kMaxNewest = 1000;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool all_digits_dots(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

enum class SelectorKind { kAll, kCached, kNewest, kRange, kOne };

struct Selector {
    SelectorKind kind = SelectorKind::kAll;
    unsigned newest = 1;
    std::string low, high;  // kRange: either may be empty (open); kOne: low
};

enum class ItemKind { kPath, kCachedAll, kLine, kName };

struct Item {
    ItemKind kind = ItemKind::kName;
    std::string text;
    KernelLine line;
    Selector selector;
};

std::string accepted_forms() {
    return "expected LINE@SELECTOR (LINE: an alias such as debian-6.12-cloud, or debian-<x.y>[-cloud|-rt]; SELECTOR: all, cached, "
           "newest[:N], A..B, A.., ..B or one version), 'cached', a kernel name (alias, linux-image-* package, release, cached "
           "kernel) or a path to a bzImage";
}

Expected<Selector> parse_selector(const std::string& item, const std::string& s) {
    Selector sel;
    if (s == "all") return sel;
    if (s == "cached") {
        sel.kind = SelectorKind::kCached;
        return sel;
    }
    if (s == "newest" || starts_with(s, "newest:")) {
        sel.kind = SelectorKind::kNewest;
        if (s.size() > 7) {
            const std::string n = s.substr(7);
            unsigned v = 0;
            bool ok = !n.empty() && n.size() <= 4 &&
                      std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
            if (ok) v = static_cast<unsigned>(std::stoul(n));
            if (!ok || v < 1 || v > kMaxNewest)
                return usage_error("kernel set item '" + item + "': newest:N takes a whole number 1.." + std::to_string(kMaxNewest) +
                                   " (got '" + n + "')");
            sel.newest = v;
        }
        return sel;
    }
    if (auto dots = s.find(".."); dots != std::string::npos) {
        sel.kind = SelectorKind::kRange;
        sel.low = s.substr(0, dots);
        sel.high = s.substr(dots + 2);
        if (sel.low.empty() && sel.high.empty())
            return usage_error("kernel set item '" + item +
                               "': a range needs at least one bound (A..B, A.. or ..B; 'all' for every build)");
        if (sel.high.find("..") != std::string::npos) return usage_error("kernel set item '" + item + "': one '..' per range");
        return sel;
    }
    if (s.empty()) return usage_error("kernel set item '" + item + "': nothing after '@' (" + accepted_forms() + ")");
    sel.kind = SelectorKind::kOne;
    sel.low = s;
    return sel;
}

Expected<Item> parse_item(const std::string& text) {
    Item item;
    item.text = text;
    if (text.empty()) return usage_error("empty kernel set item (" + accepted_forms() + ")");
    if (text.find('/') != std::string::npos || text[0] == '.') {
        item.kind = ItemKind::kPath;
        return item;
    }
    if (text == "cached") {
        item.kind = ItemKind::kCachedAll;
        return item;
    }
    if (auto at = text.find('@'); at != std::string::npos) {
        auto line = parse_kernel_line(text.substr(0, at));
        if (!line)
            return usage_error("kernel set item '" + text + "': unknown line '" + text.substr(0, at) + "' (" + accepted_forms() + ")");
        item.kind = ItemKind::kLine;
        item.line = *line;
        MH_TRY_ASSIGN(sel, parse_selector(text, text.substr(at + 1)));
        item.selector = sel;
        return item;
    }
    if (looks_like_path(text)) {
        item.kind = ItemKind::kPath;
        return item;
    }
    if (auto named = check_kernel_name(text); !named)
        return usage_error("kernel set item '" + text + "': not a kernel name (" + accepted_forms() + ")");
    item.kind = ItemKind::kName;
    return item;
}

Expected<std::vector<Item>> parse_specs(const std::vector<std::string>& specs) {
    std::vector<Item> items;
    for (const auto& spec : specs)
        for (const auto& part : split_trimmed(spec, ',')) {
            MH_TRY_ASSIGN(item, parse_item(part));
            items.push_back(std::move(item));
        }
    if (items.empty()) return usage_error("empty kernel set (" + accepted_forms() + ")");
    return items;
}

SetMember member_from_archive(const ArchiveKernel& k) {
    SetMember m;
    m.name = k.release;
    m.release = k.release;
    m.parts = k.parts;
    m.version = k.version;
    m.upstream = k.upstream;
    m.image_package = k.image_package;
    m.image_bytes = k.image_bytes;
    return m;
}

SetMember member_from_record(const KernelRecord& rec) {
    SetMember m;
    m.name = rec.release;
    m.release = rec.release;
    if (auto parts = parse_release(rec.release)) m.parts = *parts;
    m.upstream = rec.version;
    for (const auto& p : rec.packages)
        if (starts_with(p.name, "linux-image-")) {
            m.image_package = p.name;
            m.version = p.version;
            break;
        }
    m.cached = true;
    return m;
}

// The version a member sorts by: its Debian version, else its upstream version, else its release.
const std::string& sort_key(const SetMember& m) { return !m.version.empty() ? m.version : !m.upstream.empty() ? m.upstream : m.release; }

bool member_less(const SetMember& a, const SetMember& b) {
    if (int c = compare_debian_versions(sort_key(a), sort_key(b)); c != 0) return c < 0;
    return a.release < b.release;
}

// A bound names a build exactly (release, build, Debian or upstream version, package), or is
// compared in dpkg order: a bound of digits and dots with the upstream version ("6.12.115"),
// anything else with the build ("6.1.0-50", "6.12.115+deb12").
bool exact(const SetMember& m, const std::string& b) {
    return b == m.release || b == m.parts.abi || b == m.version || b == m.upstream || b == m.image_package || b == m.label();
}
int compare_to_bound(const SetMember& m, const std::string& b) {
    if (all_digits_dots(b)) return compare_debian_versions(m.upstream, b);
    return compare_debian_versions(m.parts.abi.empty() ? m.release : m.parts.abi, b);
}

std::string list_labels(const std::vector<SetMember>& ms) {
    std::string out;
    for (const auto& m : ms) out += (out.empty() ? "" : ", ") + m.label() + (m.cached ? " (cached)" : "");
    return out.empty() ? "none" : out;
}

// The expander: the sources plus the archive listing, fetched once on first use.
class Expander {
public:
    explicit Expander(const SetSources& s) : s_(s) {}

    Expected<std::vector<SetMember>> item(const Item& it) {
        switch (it.kind) {
            case ItemKind::kPath: return path_item(it);
            case ItemKind::kCachedAll: {
                std::vector<SetMember> out;
                for (const auto& [dir, rec] : cached()) out.push_back(member_from_record(rec));
                if (out.empty()) return usage_error("kernel set item 'cached': no kernel is cached (modharness kernel fetch NAME)");
                return out;
            }
            case ItemKind::kLine: return line_item(it);
            case ItemKind::kName: return name_item(it);
        }
        return usage_error("kernel set item '" + it.text + "': not understood");
    }

private:
    const std::vector<std::pair<fs::path, KernelRecord>>& cached() {
        if (!cached_) cached_ = s_.cached ? s_.cached() : std::vector<std::pair<fs::path, KernelRecord>>{};
        return *cached_;
    }
    Expected<const std::vector<ArchiveKernel>*> archive() {
        if (!archive_) {
            if (!s_.archive) return environment_error("no package archive access here");
            auto a = s_.archive();
            if (!a) return with_default_kind(a.error(), ErrorKind::kEnvironment);
            archive_ = std::move(a).value();
        }
        return &*archive_;
    }
    bool is_cached(const std::string& release) {
        return std::any_of(cached().begin(), cached().end(), [&](const auto& e) { return e.second.release == release; });
    }

    Expected<std::vector<SetMember>> path_item(const Item& it) {
        SetMember m;
        m.name = it.text;
        m.user = true;
        if (!s_.bzimage_release) return environment_error("cannot read bzImage '" + it.text + "' here");
        auto rel = s_.bzimage_release(it.text);
        if (!rel) return with_default_kind(with_context("kernel set item '" + it.text + "': ", rel.error()), ErrorKind::kEnvironment);
        m.release = *rel;
        m.upstream = upstream_version(m.release);
        return std::vector<SetMember>{m};
    }

    // The builds of a line: the usable ones the archive offers and the cached ones (also those the
    // archive no longer lists), in version order. `with_archive` false: cached ones only.
    Expected<std::vector<SetMember>> line_builds(const KernelLine& line, bool with_archive) {
        std::map<std::string, SetMember> by_release;
        if (with_archive) {
            MH_TRY_ASSIGN(a, archive());
            for (const auto& k : *a)
                if (k.usable() && k.parts.line == line.line && k.parts.flavour == line.flavour)
                    by_release[k.release] = member_from_archive(k);
        }
        for (const auto& [dir, rec] : cached()) {
            auto parts = parse_release(rec.release);
            if (!parts || parts->line != line.line || parts->flavour != line.flavour) continue;
            auto it = by_release.find(rec.release);
            if (it == by_release.end()) {
                by_release[rec.release] = member_from_record(rec);
            } else {
                it->second.cached = true;
            }
        }
        std::vector<SetMember> out;
        for (auto& [rel, m] : by_release) out.push_back(std::move(m));
        std::stable_sort(out.begin(), out.end(), member_less);
        return out;
    }

    Expected<std::vector<SetMember>> line_item(const Item& it) {
        const Selector& sel = it.selector;
        MH_TRY_ASSIGN(builds, line_builds(it.line, sel.kind != SelectorKind::kCached));
        std::vector<SetMember> out;
        switch (sel.kind) {
            case SelectorKind::kAll:
            case SelectorKind::kCached: out = builds; break;
            case SelectorKind::kNewest: {
                std::size_t n = std::min<std::size_t>(sel.newest, builds.size());
                out.assign(builds.end() - static_cast<std::ptrdiff_t>(n), builds.end());
                break;
            }
            case SelectorKind::kOne:
                for (const auto& m : builds)
                    if (exact(m, sel.low) || compare_to_bound(m, sel.low) == 0) out.push_back(m);
                break;
            case SelectorKind::kRange: {
                // An exact bound is that build's place; another is compared in dpkg order.
                std::size_t lo = 0, hi = builds.size();  // [lo, hi)
                if (!sel.low.empty()) {
                    lo = builds.size();
                    for (std::size_t i = 0; i < builds.size() && lo == builds.size(); ++i)
                        if (exact(builds[i], sel.low) || compare_to_bound(builds[i], sel.low) >= 0) lo = i;
                }
                if (!sel.high.empty()) {
                    hi = 0;
                    for (std::size_t i = builds.size(); i > 0 && hi == 0; --i)
                        if (exact(builds[i - 1], sel.high) || compare_to_bound(builds[i - 1], sel.high) <= 0) hi = i;
                }
                for (std::size_t i = lo; i < hi; ++i) out.push_back(builds[i]);
                break;
            }
        }
        if (out.empty())
            return usage_error("kernel set item '" + it.text + "' selects no kernel; " + it.line.name +
                               (sel.kind == SelectorKind::kCached ? " has cached: " : " offers: ") + list_labels(builds));
        return out;
    }

    Expected<std::vector<SetMember>> name_item(const Item& it) {
        const std::string& name = it.text;
        // A cached kernel that answers to this name (fuzz-6.12, an alias fetched earlier) first:
        // the same kernel `conform --kernel NAME` would use.
        for (const auto& [dir, rec] : cached())
            if (rec.release == name || std::find(rec.names.begin(), rec.names.end(), name) != rec.names.end())
                return std::vector<SetMember>{member_from_record(rec)};
        std::string release = release_from_package(name);
        if (release.empty() && parse_release(name)) release = name;
        if (release.empty()) {
            if (!find_alias(name) && !starts_with(name, "linux-"))
                return environment_error("kernel set item '" + name + "': no such kernel in the cache (modharness kernel list)");
            if (!s_.current_release) return environment_error("kernel set item '" + name + "': cannot resolve it here");
            auto rel = s_.current_release(name);
            if (!rel) return with_default_kind(with_context("kernel set item '" + name + "': ", rel.error()), ErrorKind::kEnvironment);
            release = *rel;
        }
        for (const auto& [dir, rec] : cached())
            if (rec.release == release) return std::vector<SetMember>{member_from_record(rec)};
        MH_TRY_ASSIGN(a, archive());
        for (const auto& k : *a) {
            if (k.release != release) continue;
            if (!k.usable())
                return environment_error("kernel set item '" + name + "': the archive has no linux-headers-" + release +
                                         " (the seed modules cannot be built for it)");
            return std::vector<SetMember>{member_from_archive(k)};
        }
        return environment_error("kernel set item '" + name + "': release " + release +
                                 " is neither cached nor in the package archive (modharness kernel list --available)");
    }

    const SetSources& s_;
    std::optional<std::vector<std::pair<fs::path, KernelRecord>>> cached_;
    std::optional<std::vector<ArchiveKernel>> archive_;
};

std::string strip_after_plus(const std::string& s) { return s.substr(0, s.find('+')); }

}  // namespace

std::string SetMember::label() const {
    if (!parts.abi.empty()) return strip_after_plus(parts.abi);
    if (user) return fs::path(name).filename().string() + (release.empty() ? "" : " " + release);
    return release.empty() ? name : release;
}

std::string SetMember::family() const {
    if (parts.line.empty()) return "";
    for (const auto& a : kernel_aliases())
        if (a.line == parts.line && a.flavour == parts.flavour) return std::string(a.alias);
    std::string flavour = parts.flavour;
    if (flavour.size() > 6 && flavour.compare(flavour.size() - 6, 6, "-amd64") == 0) flavour.resize(flavour.size() - 6);
    return "debian-" + parts.line + (flavour == "amd64" ? "" : "-" + flavour);
}

std::string SetMember::display() const {
    std::string f = family();
    return f.empty() ? label() : f + " " + label();
}

std::string SetMember::dir_name() const {
    std::string s =
        !release.empty() && !user ? release : "bzimage-" + fs::path(name).filename().string() + (release.empty() ? "" : "-" + release);
    for (auto& c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == '_')) c = '_';
    if (s.empty() || s[0] == '.') s.insert(s.begin(), '_');
    return s;
}

std::optional<KernelLine> parse_kernel_line(const std::string& name) {
    if (const KernelAlias* a = find_alias(name)) return KernelLine{name, std::string(a->line), std::string(a->flavour)};
    if (!starts_with(name, "debian-")) return std::nullopt;
    std::string rest = name.substr(7);
    std::string flavour = "amd64";
    for (const char* f : {"cloud", "rt"}) {
        const std::string suffix = std::string("-") + f;
        if (rest.size() > suffix.size() && rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0) {
            rest.resize(rest.size() - suffix.size());
            flavour = std::string(f) + "-amd64";
        }
    }
    // x.y
    auto dot = rest.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 >= rest.size() || !all_digits_dots(rest) ||
        rest.find('.', dot + 1) != std::string::npos)
        return std::nullopt;
    return KernelLine{name, rest, flavour};
}

SetSources system_set_sources(const std::atomic<bool>* interrupted) {
    SetSources s;
    s.archive = [interrupted]() { return list_archive_kernels(system_apt(interrupted)); };
    s.cached = [] { return cached_kernel_records(); };
    s.current_release = [interrupted](const std::string& name) -> Expected<std::string> {
        auto set = resolve_kernel_packages(name, system_apt(interrupted));
        if (!set) return set.error();
        return set->release;
    };
    s.bzimage_release = [](const fs::path& p) -> Expected<std::string> {
        MH_TRY_ASSIGN(info, inspect_bzimage(p));
        return info.release;
    };
    return s;
}

Status check_kernel_set(const std::vector<std::string>& specs) {
    MH_TRY(parse_specs(specs));
    return ok_status();
}

Expected<std::vector<SetMember>> expand_kernel_set(const std::vector<std::string>& specs, const SetSources& sources) {
    MH_TRY_ASSIGN(items, parse_specs(specs));
    Expander ex(sources);
    std::vector<SetMember> out;
    for (const auto& it : items) {
        MH_TRY_ASSIGN(members, ex.item(it));
        for (auto& m : members) {
            auto same = std::find_if(out.begin(), out.end(), [&](const SetMember& o) {
                return !m.release.empty() && !o.user && !m.user ? o.release == m.release : o.name == m.name;
            });
            if (same != out.end()) {
                same->from.push_back(it.text);
                continue;
            }
            m.from.push_back(it.text);
            out.push_back(std::move(m));
        }
    }
    std::stable_sort(out.begin(), out.end(), member_less);
    return out;
}

std::string kernel_set_help() {
    return "  LINE@all             every build of a line: the archive's (with headers) and the cached ones\n"
           "  LINE@cached          the cached builds of a line (no apt query)\n"
           "  LINE@newest[:N]      the newest N builds (default 1)\n"
           "  LINE@A..B, @A.., @..B  builds from A to B (inclusive; open ends allowed), in Debian version order\n"
           "  LINE@V               one build\n"
           "  cached               every cached kernel\n"
           "  NAME                 an alias (its current kernel), a linux-image-* package, a release, a cached kernel\n"
           "  PATH                 your own bzImage\n"
           "  LINE is an alias (debian-6.1-cloud, debian-6.12-cloud, debian-6.1, debian-6.12) or debian-<x.y>[-cloud|-rt].\n"
           "  A bound or V is a build (6.1.0-50, 6.12.115+deb12), a release, a Debian version (6.1.170-3) or an upstream\n"
           "  version (6.12.115); inexact bounds compare in dpkg order with the upstream version (digits and dots) or\n"
           "  the build. Items are comma-separated; the set is ordered by Debian version, duplicates dropped.\n";
}

}  // namespace mh::kernels
