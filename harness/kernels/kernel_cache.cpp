// The kernel cache: fetch Debian kernel + headers packages by alias/name, list them, resolve user bzImages.
#include "harness/kernels/kernel_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <system_error>

#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/host/cache_dir.h"
#include "harness/host/file_lock.h"
#include "harness/kernels/kernel_tree.h"
#include "harness/host/process.h"

namespace mh::kernels {
namespace fs = std::filesystem;
namespace {

using Json = nlohmann::json;
constexpr int kRecordFormat = 1;
constexpr std::chrono::seconds kDpkgTimeout{600};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void progress(bool verbose, const std::string& line) {
    if (verbose) std::fprintf(stderr, "modharness: %s\n", line.c_str());
}

// `dpkg-deb -f DEB Package Version` -> {name, version}.
Expected<PackageVersion> deb_identity(const fs::path& deb, const std::atomic<bool>* interrupted) {
    host::ProcessOptions o;
    o.timeout = kDpkgTimeout;
    o.interrupted = interrupted;
    auto r = host::run_process({"dpkg-deb", "-f", deb.string(), "Package", "Version"}, o);
    if (!r && r.error().kind == ErrorKind::kInterrupted) return r.error();
    if (!r) return make_error(r.error().message + " (dpkg-deb is needed to unpack Debian packages)");
    if (!r->success())
        return make_error("dpkg-deb -f '" + deb.string() + "' failed (" + r->status_text() + "): " + host::tail_lines(r->err, 3));
    PackageVersion pv;
    for (auto [line, number] : lines(r->out)) {
        if (line.rfind("Package: ", 0) == 0) pv.name = line.substr(9);
        if (line.rfind("Version: ", 0) == 0) pv.version = line.substr(9);
    }
    if (pv.name.empty() || pv.version.empty()) return make_error("'" + deb.string() + "' has no Package/Version control fields");
    return pv;
}

Status extract_deb(const fs::path& deb, const fs::path& root, const std::atomic<bool>* interrupted) {
    host::ProcessOptions o;
    o.timeout = kDpkgTimeout;
    o.interrupted = interrupted;
    auto r = host::run_process({"dpkg-deb", "-x", deb.string(), root.string()}, o);
    if (!r && r.error().kind == ErrorKind::kInterrupted) return r.error();
    if (!r) return make_error(r.error().message + " (dpkg-deb is needed to unpack Debian packages)");
    if (!r->success())
        return make_error("dpkg-deb -x '" + deb.string() + "' failed (" + r->status_text() + "): " + host::tail_lines(r->err, 5));
    return ok_status();
}

// UTS_RELEASE from include/generated/utsrelease.h, else include/config/kernel.release, else "".
std::string build_tree_release(const fs::path& tree) {
    if (auto h = read_text_file(tree / "include/generated/utsrelease.h")) {
        auto q = h->find('"');
        auto e = q == std::string::npos ? q : h->find('"', q + 1);
        if (e != std::string::npos) return h->substr(q + 1, e - q - 1);
    }
    if (auto r = read_text_file(tree / "include/config/kernel.release")) {
        std::string rel = *r;
        while (!rel.empty() && (rel.back() == '\n' || rel.back() == ' ')) rel.pop_back();
        return rel;
    }
    return {};
}

// Names of kernels modharness builds itself (modharness kernel build-fuzz) rather than fetches.
bool is_built_kernel_name(const std::string& name) { return name.rfind("fuzz-", 0) == 0; }

bool record_matches(const KernelRecord& rec, const std::string& name) {
    if (name == rec.release) return true;
    if (std::find(rec.names.begin(), rec.names.end(), name) != rec.names.end()) return true;
    // A versioned package name needs no apt query: its release is in the name.
    return !release_from_package(name).empty() && release_from_package(name) == rec.release && !find_alias(name);
}

// Partial fetch directories of processes that died mid-fetch (the caller holds the kernels lock).
void remove_stale_fetches() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(kernels_dir(), ec))
        if (entry.path().filename().string().rfind(".fetch-", 0) == 0) fs::remove_all(entry.path(), ec);
}

Status save_record(const fs::path& dir, const KernelRecord& rec) {
    return write_file_atomic(dir / kKernelRecordFile, kernel_record_to_json(rec));
}

// Fills release-dependent paths, version and config of a freshly extracted tree.
Status describe_tree(const fs::path& root, KernelRecord& rec) {
    const std::string& rel = rec.release;
    rec.bzimage = "boot/vmlinuz-" + rel;
    MH_TRY_ASSIGN(info, inspect_bzimage(root / rec.bzimage));
    if (!info.release.empty() && info.release != rel)
        return make_error("'" + (root / rec.bzimage).string() + "' reports release '" + info.release + "', expected '" + rel + "'");
    fs::path headers = fs::path("usr/src") / ("linux-headers-" + rel);
    std::error_code ec;
    if (fs::is_regular_file(root / headers / "Makefile", ec)) rec.build_tree = headers.string();
    fs::path mods = fs::path("lib/modules") / rel;
    if (fs::is_directory(root / mods, ec)) rec.modules_dir = mods.string();
    fs::path config_path = root / "boot" / ("config-" + rel);
    if (auto text = read_text_file(config_path)) {
        rec.config = loader_config(parse_kernel_config(*text));
        if (rec.version.empty()) rec.version = version_from_config_header(*text);
    } else {
        return make_error("kernel package for " + rel + " has no boot/config-" + rel);
    }
    return ok_status();
}

}  // namespace

// The record's JSON form is its fields by name (nlohmann sorts the keys); a missing field reads as
// its default, then the record is checked.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PackageVersion, name, version)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelRecord, format, names, release, version, packages, bzimage, build_tree, modules_dir,
                                                config, size_bytes, download_seconds, extract_seconds, fetched_at)

std::string kernel_record_to_json(const KernelRecord& r) { return Json(r).dump(2) + "\n"; }

Expected<KernelRecord> kernel_record_from_json(const std::string& text) {
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return make_error("kernel record is not a JSON object");
    KernelRecord r;
    try {
        r.format = j.value("format", 0);
        if (r.format != kRecordFormat)
            return make_error("kernel record format " + std::to_string(r.format) + " is not supported (want " +
                              std::to_string(kRecordFormat) + ")");
        r = j.get<KernelRecord>();
        for (const auto& p : j.value("packages", Json::array()))
            if (!p.contains("name") || !p.contains("version")) return make_error("kernel record: a package without name or version");
    } catch (const Json::exception& e) {
        return make_error(std::string("kernel record: ") + e.what());
    }
    if (r.release.empty() || r.release.find('/') != std::string::npos || r.release.find("..") != std::string::npos)
        return make_error("kernel record has a bad release '" + r.release + "'");
    if (r.bzimage.empty()) return make_error("kernel record has no bzimage");
    return r;
}

fs::path kernels_dir() { return host::cache_root() / "kernels"; }

Kernel kernel_from_record(const KernelRecord& r, const fs::path& dir, const std::string& name) {
    Kernel k;
    k.name = name;
    k.release = r.release;
    k.version = r.version;
    k.bzimage = dir / r.bzimage;
    if (!r.build_tree.empty()) k.build_tree = dir / r.build_tree;
    if (!r.modules_dir.empty()) k.modules_dir = dir / r.modules_dir;
    k.config = r.config;
    return k;
}

std::vector<std::pair<fs::path, KernelRecord>> cached_kernel_records() {
    std::vector<std::pair<fs::path, KernelRecord>> out;
    std::error_code ec;
    fs::path dir = kernels_dir();
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_directory(ec) || entry.path().filename().string().front() == '.') continue;
        auto text = read_text_file(entry.path() / kKernelRecordFile);
        if (!text) continue;  // a partial or foreign directory
        auto rec = kernel_record_from_json(*text);
        if (rec) out.emplace_back(entry.path(), std::move(*rec));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second.release < b.second.release; });
    return out;
}

std::vector<Kernel> cached_kernels() {
    std::vector<Kernel> out;
    for (const auto& [dir, rec] : cached_kernel_records())
        out.push_back(kernel_from_record(rec, dir, rec.names.empty() ? rec.release : rec.names.front()));
    return out;
}

Expected<Kernel> find_cached_kernel(const std::string& name) {
    for (const auto& [dir, rec] : cached_kernel_records())
        if (record_matches(rec, name)) return kernel_from_record(rec, dir, name);
    if (is_built_kernel_name(name)) {
        // fuzz-<line>[-sig|-nosig]: the line is what --source takes (6.12 is the default).
        std::string line = name.substr(5);
        for (const char* suffix : {"-nosig", "-sig"})
            if (line.size() > std::strlen(suffix) && line.ends_with(suffix)) line.resize(line.size() - std::strlen(suffix));
        return environment_error("kernel '" + name + "' is not built; build it with: modharness kernel build-fuzz" +
                                 (line == "6.12" ? "" : " --source " + line) + (name.ends_with("-sig") ? " --signing" : ""));
    }
    MH_TRY(check_kernel_name(name));
    return environment_error("kernel '" + name + "' is not in the cache (" + kernels_dir().string() +
                             "); fetch it with: modharness kernel fetch " + name);
}

Status check_kernel_name(const std::string& name) {
    if (name.empty() || looks_like_path(name) || find_alias(name) || is_built_kernel_name(name) || name.rfind("linux-", 0) == 0 ||
        !release_from_package("linux-image-" + name).empty())
        return ok_status();
    for (const auto& [dir, rec] : cached_kernel_records())
        if (record_matches(rec, name)) return ok_status();
    std::string aliases;
    for (const auto& a : kernel_aliases()) aliases += std::string(a.alias) + ", ";
    return usage_error("unknown kernel '" + name + "': not an alias (" + aliases + "fuzz-6.1, fuzz-6.12" +
                       "), a Debian package name (linux-image-...), a release (6.1.0-56-cloud-amd64), a cached kernel "
                       "or a path to a bzImage (a name with a '/')");
}

namespace {
// The work behind fetch_kernel and resolve_kernel once the name is known to be well formed.
Expected<Kernel> fetch_checked_name(const std::string& name, const FetchOptions& options);
Expected<Kernel> resolve_checked_name(const std::string& name, bool fetch, const fs::path& build_tree_override,
                                      const std::atomic<bool>* interrupted);
}  // namespace

bool looks_like_path(const std::string& name) {
    if (name.find('/') != std::string::npos || name.rfind('.', 0) == 0) return true;
    if (find_alias(name)) return false;
    std::error_code ec;
    return fs::is_regular_file(name, ec);
}

Expected<Kernel> user_kernel(const fs::path& bzimage, const fs::path& build_tree) {
    std::error_code ec;
    fs::path abs = fs::absolute(bzimage, ec);
    MH_TRY_ASSIGN(info, inspect_bzimage(abs));
    Kernel k;
    k.name = bzimage.string();
    k.bzimage = abs;
    k.release = info.release;
    if (!build_tree.empty()) {
        fs::path bt = fs::absolute(build_tree, ec);
        if (!fs::is_regular_file(bt / "Makefile", ec))
            return make_error("build tree '" + build_tree.string() +
                              "' has no Makefile (want a kernel tree after 'make modules_prepare' or a headers tree)");
        k.build_tree = bt;
        if (auto cfg = read_text_file(bt / ".config")) {
            k.config = loader_config(parse_kernel_config(*cfg));
            k.version = version_from_config_header(*cfg);
        }
        // The release modules get in their vermagic: UTS_RELEASE (Debian's headers put the
        // upstream version, not the release, in include/config/kernel.release).
        std::string tree_release = build_tree_release(bt);
        if (!info.release.empty() && !tree_release.empty() && tree_release != info.release)
            return make_error("build tree '" + build_tree.string() + "' is for release '" + tree_release + "' but '" + bzimage.string() +
                              "' is release '" + info.release + "': modules built there would not load");
        if (k.release.empty()) k.release = tree_release;
    }
    if (k.version.empty()) k.version = upstream_version(k.release);
    return k;
}

Expected<Kernel> fetch_kernel(const std::string& name, const FetchOptions& options) {
    MH_TRY(check_kernel_name(name));  // before apt: a typo is the user's, not the network's
    // Whatever fails below is the machine's (apt, network, dpkg, disk): exit 3 unless tagged deeper.
    return with_default_kind(fetch_checked_name(name, options), ErrorKind::kEnvironment);
}

namespace {

Expected<Kernel> fetch_checked_name(const std::string& name, const FetchOptions& options) {
    // Kernels we build (fuzz-6.12) are not in Debian's archive: apt could only fail.
    if (is_built_kernel_name(name)) return find_cached_kernel(name);
    if (!options.refresh) {
        if (auto k = find_cached_kernel(name)) return k;
    }
    AptAccess system = options.apt ? AptAccess{} : system_apt(options.interrupted);
    const AptAccess& apt = options.apt ? *options.apt : system;

    progress(options.verbose, "resolving '" + name + "' with apt-cache");
    MH_TRY_ASSIGN(set, resolve_kernel_packages(name, apt));
    const fs::path final_dir = kernels_dir() / set.release;

    MH_TRY_ASSIGN(lock, host::FileLock::acquire(kernels_dir() / ".lock"));
    // Another process may have fetched it while we resolved or waited; an alias may now name a
    // kernel we already have: remember the name and reuse it.
    std::error_code ec;
    if (auto text = read_text_file(final_dir / kKernelRecordFile)) {
        if (auto rec = kernel_record_from_json(*text)) {
            if (std::find(rec->names.begin(), rec->names.end(), name) == rec->names.end()) {
                rec->names.push_back(name);
                MH_TRY(save_record(final_dir, *rec));
            }
            progress(options.verbose, "kernel " + set.release + " already cached in " + final_dir.string());
            return kernel_from_record(*rec, final_dir, name);
        }
    }

    // Under the lock no other fetch is running: every .fetch-* left is from one that died.
    remove_stale_fetches();
    const fs::path work = kernels_dir() / (".fetch-" + set.release + "-" + std::to_string(getpid()));
    const fs::path debs = work / "debs";
    const fs::path root = work / "root";
    fs::create_directories(debs, ec);
    if (ec) return make_error("cannot create '" + debs.string() + "': " + ec.message());
    fs::create_directories(root, ec);
    // Whatever happens below, do not leave half a kernel behind.
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code e;
            fs::remove_all(dir, e);
        }
    } cleanup{work};

    KernelRecord rec;
    rec.format = kRecordFormat;
    rec.release = set.release;
    rec.names = {name};
    if (!set.alias.empty() && set.alias != name) rec.names.push_back(set.alias);

    const auto packages = set.all();
    std::string list;
    for (const auto& p : packages) list += " " + p;
    progress(options.verbose, "downloading" + list);
    auto t0 = std::chrono::steady_clock::now();
    MH_TRY(apt.download(packages, debs));
    rec.download_seconds = seconds_since(t0);
    if (options.interrupted && options.interrupted->load()) return interrupted_error("interrupted: fetch of " + set.release + " stopped");

    // Map every downloaded .deb to its package; each requested package must be there.
    std::map<std::string, std::pair<fs::path, PackageVersion>> by_name;
    for (const auto& entry : fs::directory_iterator(debs, ec)) {
        if (entry.path().extension() != ".deb") continue;
        MH_TRY_ASSIGN(id, deb_identity(entry.path(), options.interrupted));
        by_name[id.name] = {entry.path(), id};
    }
    for (const auto& p : packages)
        if (!by_name.count(p))
            return make_error("apt-get download did not produce a .deb for package '" + p + "' (in " + debs.string() + ")");

    progress(options.verbose, "extracting into " + final_dir.string());
    t0 = std::chrono::steady_clock::now();
    for (const auto& p : packages) {
        MH_TRY(extract_deb(by_name[p].first, root, options.interrupted));
        rec.packages.push_back(by_name[p].second);
    }
    MH_TRY_ASSIGN(fix, make_tree_relocatable(root));
    rec.extract_seconds = seconds_since(t0);
    progress(options.verbose, "relocated " + std::to_string(fix.links_rewritten) + " absolute links, " +
                                  std::to_string(fix.makefiles_patched) + " Makefile includes");

    rec.version = upstream_version(rec.packages.front().version);
    MH_TRY(describe_tree(root, rec));
    if (rec.build_tree.empty())
        return make_error("headers packages for " + set.release + " did not provide usr/src/linux-headers-" + set.release + "/Makefile");
    fs::remove_all(debs, ec);  // the extracted tree is what we keep
    rec.size_bytes = tree_size_bytes(root);
    rec.fetched_at = utc_now_iso();
    MH_TRY(save_record(root, rec));

    if (fs::exists(final_dir, ec)) fs::remove_all(final_dir, ec);  // refresh of a damaged entry
    fs::rename(root, final_dir, ec);
    if (ec) return make_error("cannot move '" + root.string() + "' to '" + final_dir.string() + "': " + ec.message());
    // An alias now means this release: older kernels it used to name lose it.
    for (auto& [dir, other] : cached_kernel_records()) {
        if (other.release == rec.release) continue;
        auto it = std::find(other.names.begin(), other.names.end(), name);
        if (it == other.names.end()) continue;
        other.names.erase(it);
        MH_TRY(save_record(dir, other));
    }
    progress(options.verbose, "kernel " + rec.release + " (" + rec.version + ") ready: download " + std::to_string(rec.download_seconds) +
                                  " s, extract " + std::to_string(rec.extract_seconds) + " s");
    return kernel_from_record(rec, final_dir, name);
}

}  // namespace

Expected<Kernel> resolve_kernel(const std::string& name_in, bool fetch, const fs::path& build_tree_override,
                                const std::atomic<bool>* interrupted) {
    const std::string name = name_in.empty() ? std::string(kDefaultKernel) : name_in;
    MH_TRY(check_kernel_name(name));
    // A kernel that is missing, not a kernel, or whose build tree does not match is the machine's lack.
    return with_default_kind(resolve_checked_name(name, fetch, build_tree_override, interrupted), ErrorKind::kEnvironment);
}

namespace {

Expected<Kernel> resolve_checked_name(const std::string& name, bool fetch, const fs::path& build_tree_override,
                                      const std::atomic<bool>* interrupted) {
    if (looks_like_path(name)) return user_kernel(name, build_tree_override);
    FetchOptions fo;
    fo.interrupted = interrupted;
    auto k = fetch ? fetch_kernel(name, fo) : find_cached_kernel(name);
    if (!k) return k.error();
    if (!build_tree_override.empty()) {
        std::error_code ec;
        if (!fs::is_regular_file(build_tree_override / "Makefile", ec))
            return make_error("build tree '" + build_tree_override.string() + "' has no Makefile");
        std::string tree_release = build_tree_release(build_tree_override);
        if (!tree_release.empty() && tree_release != k->release)
            return make_error("build tree '" + build_tree_override.string() + "' is for release '" + tree_release + "', kernel '" + name +
                              "' is release '" + k->release + "'");
        k->build_tree = fs::absolute(build_tree_override, ec);
    }
    return k;
}

}  // namespace

}  // namespace mh::kernels
