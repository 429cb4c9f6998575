// The kernel builds Debian's archive offers, parsed from apt-cache output and grouped by release.
#include "harness/kernels/archive_kernels.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "harness/common/error_kind.h"
#include "harness/common/text.h"
#include "harness/kernels/debian_version.h"

namespace mh::kernels {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

std::uint64_t to_u64(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

// Packages are asked about in batches: a command line of a few hundred names stays far below ARG_MAX.
constexpr std::size_t kShowBatch = 200;

}  // namespace

std::optional<ReleaseParts> parse_release(std::string_view release) {
    // x.y.z
    std::size_t i = 0;
    int dots = 0;
    std::size_t line_end = 0;
    while (i < release.size() && (is_digit(release[i]) || release[i] == '.')) {
        if (release[i] == '.' && ++dots == 2) line_end = i;
        ++i;
    }
    if (dots != 2 || line_end == 0 || i == 0 || !is_digit(release[i - 1]) || i >= release.size()) return std::nullopt;
    std::size_t abi_end = 0;
    if (release[i] == '-') {  // "6.1.0-50-cloud-amd64": the ABI number follows
        std::size_t j = i + 1;
        while (j < release.size() && is_digit(release[j])) ++j;
        if (j == i + 1 || j >= release.size() || release[j] != '-') return std::nullopt;
        abi_end = j;
    } else if (release[i] == '+') {  // "6.12.117+deb12-cloud-amd64"
        abi_end = release.find('-', i);
        if (abi_end == std::string_view::npos) return std::nullopt;
    } else {
        return std::nullopt;
    }
    ReleaseParts p;
    p.abi = std::string(release.substr(0, abi_end));
    p.line = std::string(release.substr(0, line_end));
    p.flavour = std::string(release.substr(abi_end + 1));
    if (p.flavour.empty()) return std::nullopt;
    return p;
}

std::vector<AptPackageInfo> parse_apt_show(std::string_view text) {
    std::vector<AptPackageInfo> out;
    AptPackageInfo cur;
    auto flush = [&] {
        if (!cur.package.empty() && !cur.version.empty()) out.push_back(cur);
        cur = {};
    };
    for (auto [raw, number] : lines(text)) {
        std::string_view line = raw;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trim(line).empty()) {
            flush();
            continue;
        }
        if (line[0] == ' ' || line[0] == '\t') continue;  // a continuation of the field above
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view key = line.substr(0, colon);
        std::string value = trim(line.substr(colon + 1));
        if (key == "Package") {
            if (!cur.package.empty()) flush();  // a stanza without the blank line after it
            cur.package = value;
        } else if (key == "Version") {
            cur.version = value;
        } else if (key == "Size") {
            cur.size = to_u64(value);
        } else if (key == "Installed-Size") {
            cur.installed_kib = to_u64(value);
        } else if (key == "Description") {
            cur.description = value;
        }
    }
    flush();
    return out;
}

std::vector<std::string> versioned_kernel_packages(std::string_view pkgnames_output) {
    std::vector<std::string> out;
    for (auto [raw, number] : lines(pkgnames_output)) {
        std::string name = trim(raw);
        if (!starts_with(name, "linux-image-") && !starts_with(name, "linux-headers-")) continue;
        if (release_from_package(name).empty()) continue;  // meta, -dbg, -common, ...
        out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

bool archive_order_less(const ArchiveKernel& a, const ArchiveKernel& b) {
    if (int c = compare_debian_versions(a.parts.line, b.parts.line); c != 0) return c < 0;
    if (a.parts.flavour != b.parts.flavour) return a.parts.flavour < b.parts.flavour;
    if (int c = compare_debian_versions(a.version, b.version); c != 0) return c < 0;
    return a.release < b.release;
}

std::vector<ArchiveKernel> archive_kernels_from(const std::vector<AptPackageInfo>& packages) {
    struct Found {
        const AptPackageInfo* signed_image = nullptr;
        const AptPackageInfo* unsigned_image = nullptr;
        const AptPackageInfo* headers = nullptr;
    };
    std::map<std::string, Found> by_release;
    for (const auto& p : packages) {
        std::string release = release_from_package(p.package);
        if (release.empty() || !parse_release(release)) continue;
        Found& f = by_release[release];
        if (starts_with(p.package, "linux-headers-")) {
            f.headers = &p;
        } else if (ends_with(p.package, "-unsigned")) {
            f.unsigned_image = &p;
        } else {
            f.signed_image = &p;
        }
    }
    std::vector<ArchiveKernel> out;
    for (const auto& [release, f] : by_release) {
        const AptPackageInfo* image = f.unsigned_image ? f.unsigned_image : f.signed_image;
        if (!image) continue;  // headers alone: nothing to boot
        ArchiveKernel k;
        k.release = release;
        k.parts = *parse_release(release);
        k.image_package = image->package;
        k.version = image->version;
        k.upstream = upstream_version(image->version);
        k.image_bytes = image->size;
        k.headers = f.headers != nullptr;
        k.headers_bytes = f.headers ? f.headers->size : 0;
        out.push_back(std::move(k));
    }
    std::sort(out.begin(), out.end(), archive_order_less);
    return out;
}

Expected<std::vector<ArchiveKernel>> list_archive_kernels(const AptAccess& apt) {
    if (!apt.package_names || !apt.show) return environment_error("no package archive access (apt-cache) here");
    // Both name lists first: apt-cache show is slow on names it does not know (it searches for them).
    std::vector<std::string> names;
    for (const char* prefix : {"linux-image-", "linux-headers-"}) {
        auto listed = apt.package_names(prefix);
        if (!listed) return with_default_kind(listed.error(), ErrorKind::kEnvironment);
        auto some = versioned_kernel_packages(*listed);
        names.insert(names.end(), some.begin(), some.end());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (names.empty())
        return environment_error("apt lists no versioned linux-image-*/linux-headers-* packages (as root, 'apt-get update' may help)");
    std::vector<AptPackageInfo> infos;
    for (std::size_t i = 0; i < names.size(); i += kShowBatch) {
        std::vector<std::string> batch(names.begin() + static_cast<std::ptrdiff_t>(i),
                                       names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), i + kShowBatch)));
        auto text = apt.show(batch);
        if (!text && text.error().kind == ErrorKind::kInterrupted) return text.error();
        if (!text) continue;  // a batch of names that are only referenced, never provided
        auto parsed = parse_apt_show(*text);
        infos.insert(infos.end(), parsed.begin(), parsed.end());
    }
    return archive_kernels_from(infos);
}

}  // namespace mh::kernels
