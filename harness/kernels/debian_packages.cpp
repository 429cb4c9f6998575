// Resolution of kernel aliases and package names to the Debian packages of a kernel + headers.
#include "harness/kernels/debian_packages.h"

#include <algorithm>
#include <cctype>

#include "harness/common/text.h"
#include "harness/host/process.h"

namespace mh::kernels {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

// A release starts with a full x.y.z version ("6.1.0-56-...", "6.12.117+deb12-..."); meta
// packages carry at most x.y ("6.12-amd64").
bool looks_like_release(std::string_view s) {
    int dots = 0;
    std::size_t i = 0;
    bool digit = false;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            digit = true;
        } else if (c == '.' && digit) {
            ++dots;
            digit = false;
        } else {
            break;
        }
    }
    return dots == 2 && digit && i < s.size() && (s[i] == '-' || s[i] == '+');
}

constexpr std::chrono::seconds kAptQueryTimeout{120};
constexpr std::chrono::seconds kAptDownloadTimeout{1800};

}  // namespace

const std::vector<KernelAlias>& kernel_aliases() {
    static const std::vector<KernelAlias> table = {
        {"debian-6.1-cloud", "linux-image-cloud-amd64", "Debian 12 kernel 6.1, cloud flavour (default; fastest boot)", "6.1",
         "cloud-amd64"},
        {"debian-6.12-cloud", "linux-image-6.12-cloud-amd64", "Debian 12 backported kernel 6.12, cloud flavour", "6.12", "cloud-amd64"},
        {"debian-6.1", "linux-image-amd64", "Debian 12 kernel 6.1, generic amd64 flavour", "6.1", "amd64"},
        {"debian-6.12", "linux-image-6.12-amd64", "Debian 12 backported kernel 6.12, generic amd64 flavour", "6.12", "amd64"},
    };
    return table;
}

const KernelAlias* find_alias(std::string_view name) {
    for (const auto& a : kernel_aliases())
        if (a.alias == name) return &a;
    return nullptr;
}

std::vector<AptDependsRecord> parse_apt_depends(std::string_view text) {
    std::vector<AptDependsRecord> out;
    for (auto [line, number] : lines(text)) {
        if (line.empty()) continue;
        if (line[0] != ' ' && line[0] != '|') {
            // A package header line; apt prints virtual packages as "<name>".
            out.push_back({trim(line), {}});
            continue;
        }
        if (out.empty()) continue;
        std::string body = trim(line);
        if (!body.empty() && body[0] == '|') body = trim(std::string_view(body).substr(1));
        if (!starts_with(body, "Depends:")) continue;  // Recommends, Conflicts, provider lists...
        std::string dep = trim(std::string_view(body).substr(8));
        if (dep.empty() || dep[0] == '<') continue;  // virtual package
        out.back().depends.push_back(dep);
    }
    return out;
}

std::string release_from_package(std::string_view package) {
    std::string_view rest;
    if (starts_with(package, "linux-image-")) {
        rest = package.substr(12);
    } else if (starts_with(package, "linux-headers-")) {
        rest = package.substr(14);
    } else {
        return {};
    }
    if (ends_with(rest, "-unsigned")) rest.remove_suffix(9);
    if (ends_with(rest, "-dbg")) return {};
    return looks_like_release(rest) ? std::string(rest) : std::string();
}

std::string upstream_version(std::string_view debian_version) {
    std::string_view v = debian_version;
    if (auto colon = v.find(':'); colon != std::string_view::npos) v = v.substr(colon + 1);  // epoch
    std::size_t end = 0;
    while (end < v.size() && (std::isdigit(static_cast<unsigned char>(v[end])) || v[end] == '.')) ++end;
    return std::string(v.substr(0, end));
}

std::string debian_release_of(std::string_view rel) {
    // An explicit marker first: backports carry the release they were built for.
    for (std::string_view marker : {"+deb", ".deb"}) {
        auto at = rel.find(marker);
        if (at == std::string_view::npos) continue;
        std::size_t start = at + marker.size(), end = start;
        while (end < rel.size() && std::isdigit(static_cast<unsigned char>(rel[end]))) ++end;
        if (end > start && end - start <= 3) return "debian-" + std::string(rel.substr(start, end - start));
    }
    // The kernel line each stable release ships under its ABI name "X.Y.0-N-flavour".
    static constexpr std::pair<std::string_view, std::string_view> kLines[] = {
        {"4.19.0-", "debian-10"}, {"5.10.0-", "debian-11"}, {"6.1.0-", "debian-12"}};
    for (const auto& [prefix, release] : kLines)
        if (rel.substr(0, prefix.size()) == prefix && rel.size() > prefix.size() &&
            std::isdigit(static_cast<unsigned char>(rel[prefix.size()])))
            return std::string(release);
    return "";
}

std::vector<std::string> KernelPackageSet::all() const {
    std::vector<std::string> out{image_package};
    out.insert(out.end(), header_packages.begin(), header_packages.end());
    return out;
}

Expected<KernelPackageSet> resolve_kernel_packages(const std::string& name, const AptAccess& apt) {
    KernelPackageSet set;
    set.requested = name;
    std::string image;
    if (const KernelAlias* a = find_alias(name)) {
        set.alias = name;
        image = std::string(a->meta_package);
    } else if (starts_with(name, "linux-image-") || starts_with(name, "linux-headers-")) {
        image = "linux-image-" + (starts_with(name, "linux-image-") ? name.substr(12) : name.substr(14));
    } else if (looks_like_release(name)) {
        image = "linux-image-" + name;
    } else {
        std::string known;
        for (const auto& entry : kernel_aliases()) known += (known.empty() ? "" : ", ") + std::string(entry.alias);
        return make_error("unknown kernel '" + name + "': expected an alias (" + known +
                          "), a Debian package name (linux-image-...), a release (6.1.0-56-cloud-amd64) or a path to a bzImage");
    }

    // Follow meta packages (linux-image-cloud-amd64 -> linux-image-6.1.0-56-cloud-amd64).
    for (int hop = 0; release_from_package(image).empty(); ++hop) {
        if (hop >= 4) return make_error("package '" + image + "': too many meta-package hops resolving '" + name + "'");
        auto text = apt.depends(image);
        if (!text) return make_error("resolving kernel '" + name + "': " + text.error().message, text.error().kind);
        std::string next;
        for (const auto& rec : parse_apt_depends(*text))
            if (rec.package == image)
                for (const auto& d : rec.depends)
                    if (next.empty() && starts_with(d, "linux-image-")) next = d;
        if (next.empty())
            return make_error("package '" + image + "' (for kernel '" + name +
                              "') is neither a versioned kernel image nor a meta package depending on one");
        image = next;
    }
    set.release = release_from_package(image);

    // Prefer the unsigned image: identical vmlinuz, no dependency on the signing template.
    std::string unsigned_name = "linux-image-" + set.release + "-unsigned";
    auto unsigned_check = apt.depends(unsigned_name);
    if (!unsigned_check && unsigned_check.error().kind == ErrorKind::kInterrupted) return unsigned_check.error();
    if (unsigned_check) {
        set.image_package = unsigned_name;
    } else {
        std::string signed_name = "linux-image-" + set.release;
        auto check = apt.depends(signed_name);
        if (!check)
            return make_error("kernel '" + name + "': no image package for release " + set.release + ": " + check.error().message,
                              check.error().kind);
        set.image_package = signed_name;
    }

    // Headers: the flavour package plus exactly the -common and kbuild packages it names.
    std::string headers = "linux-headers-" + set.release;
    auto htext = apt.depends(headers);
    if (!htext) return make_error("kernel '" + name + "': headers for " + set.release + ": " + htext.error().message, htext.error().kind);
    set.header_packages.push_back(headers);
    for (const auto& rec : parse_apt_depends(*htext)) {
        if (rec.package != headers) continue;
        for (const auto& d : rec.depends)
            if ((starts_with(d, "linux-headers-") && d.find("-common") != std::string::npos) || starts_with(d, "linux-kbuild-"))
                if (std::find(set.header_packages.begin(), set.header_packages.end(), d) == set.header_packages.end())
                    set.header_packages.push_back(d);
    }
    if (set.header_packages.size() < 3)
        return make_error("package '" + headers +
                          "' does not depend on a linux-headers-*-common and a linux-kbuild-* package "
                          "(apt-cache depends output not understood)");
    return set;
}

AptAccess system_apt(const std::atomic<bool>* interrupted) {
    AptAccess apt;
    apt.depends = [interrupted](const std::string& package) -> Expected<std::string> {
        host::ProcessOptions o;
        o.timeout = kAptQueryTimeout;
        o.interrupted = interrupted;
        auto r = host::run_process({"apt-cache", "depends", package}, o);
        if (!r && r.error().kind == ErrorKind::kInterrupted) return r.error();
        if (!r) return environment_error(r.error().message + " (is this a Debian/Ubuntu system with apt?)");
        if (!r->success() || r->out.empty()) {
            std::string why = host::tail_lines(r->err, 3);
            return make_error("apt does not know package '" + package + "' (apt-cache " + r->status_text() +
                              (why.empty() ? "" : ": " + why) + "); as root, 'apt-get update' may help");
        }
        return r->out;
    };
    apt.package_names = [interrupted](const std::string& prefix) -> Expected<std::string> {
        host::ProcessOptions o;
        o.timeout = kAptQueryTimeout;
        o.interrupted = interrupted;
        auto r = host::run_process({"apt-cache", "pkgnames", prefix}, o);
        if (!r && r.error().kind == ErrorKind::kInterrupted) return r.error();
        if (!r) return environment_error(r.error().message + " (is this a Debian/Ubuntu system with apt?)");
        // No match is an empty list, not an error (apt-cache exits 0 either way).
        if (!r->success())
            return environment_error("apt-cache pkgnames " + prefix + " " + r->status_text() + ": " + host::tail_lines(r->err, 3));
        return r->out;
    };
    apt.show = [interrupted](const std::vector<std::string>& packages) -> Expected<std::string> {
        std::vector<std::string> argv{"apt-cache", "show", "--no-all-versions"};
        argv.insert(argv.end(), packages.begin(), packages.end());
        host::ProcessOptions o;
        o.timeout = kAptQueryTimeout;
        o.interrupted = interrupted;
        auto r = host::run_process(argv, o);
        if (!r && r.error().kind == ErrorKind::kInterrupted) return r.error();
        if (!r) return environment_error(r.error().message + " (is this a Debian/Ubuntu system with apt?)");
        // apt-cache exits 0 when it found at least one of the names; the others are only named on stderr.
        if (!r->success()) return make_error("apt knows none of the packages asked for (apt-cache show " + r->status_text() + ")");
        return r->out;
    };
    apt.download = [interrupted](const std::vector<std::string>& packages, const std::filesystem::path& dir) -> Status {
        std::vector<std::string> argv{"apt-get", "download", "-q"};
        argv.insert(argv.end(), packages.begin(), packages.end());
        host::ProcessOptions o;
        o.cwd = dir;
        o.timeout = kAptDownloadTimeout;
        o.merge_stderr = true;
        o.interrupted = interrupted;
        auto r = host::run_process(argv, o);
        if (!r && r.error().kind == ErrorKind::kInterrupted) return r.error();
        if (!r) return environment_error(r.error().message + " (is this a Debian/Ubuntu system with apt?)");
        if (!r->success())
            return make_error("'" + host::display_command(argv) + "' failed (" + r->status_text() + "):\n" + host::tail_lines(r->out, 8));
        return ok_status();
    };
    return apt;
}

}  // namespace mh::kernels
