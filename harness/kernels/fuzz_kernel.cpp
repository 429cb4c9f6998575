// Building the KCOV+KASAN fuzzing kernels from Debian's linux-source-6.1 and -6.12 into the kernel cache.
#include "harness/kernels/fuzz_kernel.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "harness/common/fnv.h"
#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/host/file_lock.h"
#include "harness/kernels/kernel_tree.h"
#include "harness/kernels/package_install.h"
#include "harness/host/process.h"
#include "harness/kernels/seed_modules.h"

namespace mh::kernels {
namespace fs = std::filesystem;
namespace {

using Json = nlohmann::json;

// Bump when the recipe (steps, make targets, fragment composition) changes: it is hashed, so a
// new recipe builds a new kernel instead of reusing one made the old way.
constexpr std::string_view kRecipeVersion = "fuzz-recipe-1";
constexpr std::string_view kKcovExclusion = "KCOV_INSTRUMENT_main.o := n";
constexpr std::string_view kKcovMarker = "# modharness: 'KCOV_INSTRUMENT_main.o := n' removed";
constexpr std::string_view kExtractedStamp = ".mh-extracted";
constexpr std::size_t kMakeTailLines = 40;
constexpr std::chrono::seconds kToolTimeout{600};

// A tool or header the build needs, and the Debian package that provides it.
struct Requirement {
    std::string_view what;  // program name, or a header path under /usr/include
    std::string_view package;
    bool header;
    bool signing_only;
};
constexpr Requirement kRequirements[] = {
    {"make", "make", false, false},      {"gcc", "gcc", false, false},
    {"flex", "flex", false, false},      {"bison", "bison", false, false},
    {"bc", "bc", false, false},          {"tar", "tar", false, false},
    {"xz", "xz-utils", false, false},    {"objdump", "binutils", false, false},
    {"perl", "perl", false, false},      {"gelf.h", "libelf-dev", true, false},
    {"openssl", "openssl", false, true}, {"openssl/opensslv.h", "libssl-dev", true, true},
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void progress(bool verbose, const std::string& line) {
    if (verbose) std::fprintf(stderr, "modharness: %s\n", line.c_str());
}

bool on_path(std::string_view program) { return host::find_program(program).has_value(); }

// What the build lacks: tools and headers (by name), the Debian packages that provide them and,
// for the default tarball, its source package.
struct Missing {
    std::vector<std::string> what;
    std::vector<std::string> packages;
    bool source = false;
};

Missing missing_requirements(bool signing, const FuzzSource& source, const fs::path& tarball) {
    Missing m;
    for (const auto& r : kRequirements) {
        if (r.signing_only && !signing) continue;
        std::error_code ec;
        bool present = r.header ? fs::exists(fs::path("/usr/include") / r.what, ec) : on_path(r.what);
        if (present) continue;
        m.what.emplace_back(r.what);
        if (std::find(m.packages.begin(), m.packages.end(), r.package) == m.packages.end()) m.packages.emplace_back(r.package);
    }
    std::error_code ec;
    m.source = !fs::is_regular_file(tarball, ec);
    if (m.source && tarball == source.tarball()) m.packages.emplace_back(source.package());
    return m;
}

Status check_requirements(bool signing, const FuzzSource& source, const fs::path& tarball, bool verbose) {
    Missing m = missing_requirements(signing, source, tarball);
    if (m.what.empty() && !m.source) return ok_status();
    if (!m.packages.empty()) {
        // The source package (and any missing tool) is installed the way scripts/setup.sh installs
        // everything else: with apt, as root; otherwise the error says the command to run.
        MH_TRY(install_debian_packages(m.packages, ::geteuid() == 0, verbose));
        m = missing_requirements(signing, source, tarball);
        if (m.what.empty() && !m.source) return ok_status();
    }
    std::string msg;
    if (m.source) msg = "kernel source '" + tarball.string() + "' not found";
    if (!m.what.empty()) {
        std::string list;
        for (const auto& w : m.what) list += (list.empty() ? "" : ", ") + w;
        msg += (msg.empty() ? "" : "; ") + std::string("missing for the kernel build: ") + list;
    }
    return environment_error(msg);
}

std::string dpkg_version(const FuzzSource& source) {
    host::ProcessOptions o;
    o.timeout = kToolTimeout;
    auto r = host::run_process({"dpkg-query", "-W", "-f=${Version}", source.package()}, o);
    return r && r->success() ? r->out : std::string();
}

// Package version + tarball size + mtime: a Debian point release of the source rebuilds.
std::string source_identity(const FuzzSource& source, const fs::path& tarball) {
    std::string id = dpkg_version(source);
    struct stat st {};
    if (::stat(tarball.c_str(), &st) == 0)
        id += " " + std::to_string(static_cast<long long>(st.st_size)) + " " + std::to_string(static_cast<long long>(st.st_mtime));
    return id;
}

// Runs one build step in the tree; a failure quotes the tail of its output.
Status run_step(const std::vector<std::string>& argv, const fs::path& cwd, const FuzzBuildOptions& options, const std::string& what,
                std::chrono::seconds timeout) {
    host::ProcessOptions po;
    po.cwd = cwd;
    po.merge_stderr = true;
    po.echo = options.verbose;
    po.timeout = timeout;
    // A parent make's jobserver must not leak in; fixed build identity for comparable images.
    po.env_overrides = {"MAKEFLAGS=",
                        "MFLAGS=",
                        "MAKELEVEL=",
                        "KBUILD_EXTMOD=",
                        "M=",
                        "ARCH=x86",
                        "KBUILD_BUILD_USER=modharness",
                        "KBUILD_BUILD_HOST=modharness"};
    po.interrupted = options.interrupted;
    auto r = host::run_process(argv, po);
    if (!r) return make_error(what + ": " + r.error().message, r.error().kind);
    {
        std::ofstream log(cwd.parent_path() / "build.log", std::ios::binary | std::ios::app);
        log << "$ " << host::display_command(argv) << "\n" << r->out << "\n[" << r->status_text() << "]\n";
    }
    if (!r->success())
        return make_error(what + " failed (" + r->status_text() + "): " + host::display_command(argv) + "\n" +
                          host::tail_lines(r->out, kMakeTailLines) + "\n(full log: " + (cwd.parent_path() / "build.log").string() + ")");
    return ok_status();
}

std::vector<std::string> nice_make(unsigned jobs, std::vector<std::string> targets) {
    std::vector<std::string> argv{"nice", "-n", "19", "make", "-j" + std::to_string(std::max(1u, jobs)), "LOCALVERSION="};
    for (auto& t : targets) argv.push_back(std::move(t));
    return argv;
}

std::string tree_release(const fs::path& tree) {
    auto r = read_text_file(tree / "include/config/kernel.release");
    if (!r) return {};
    std::string rel = *r;
    while (!rel.empty() && (rel.back() == '\n' || rel.back() == ' ')) rel.pop_back();
    return rel;
}

// Another variant of the line built before now loses the line's name; an older build of this
// variant goes. Other lines are left alone.
Status retire_other_builds(const fs::path& keep, const std::string& line_name, const std::string& variant_name) {
    for (auto& [dir, rec] : cached_kernel_records()) {
        if (dir == keep) continue;
        const bool same_variant = std::find(rec.names.begin(), rec.names.end(), variant_name) != rec.names.end();
        if (same_variant) {
            std::error_code ec;
            fs::remove_all(dir, ec);  // a stale tree of the same variant: gigabytes, never used again
            continue;
        }
        auto it = std::find(rec.names.begin(), rec.names.end(), line_name);
        if (it == rec.names.end()) continue;
        rec.names.erase(it);
        MH_TRY(write_file_atomic(dir / kKernelRecordFile, kernel_record_to_json(rec)));
    }
    return ok_status();
}

}  // namespace

int FuzzBuildInfo::kcov_sites_total() const {
    int n = 0;
    for (const auto& [obj, sites] : kcov_sites) n += sites;
    return n;
}

std::vector<std::string> fuzz_lines() { return {"6.1", "6.12"}; }

Expected<FuzzSource> fuzz_source(std::string_view line) {
    std::string known;
    for (const auto& l : fuzz_lines()) {
        if (l == line) return FuzzSource{l};
        known += (known.empty() ? "" : ", ") + l;
    }
    return usage_error("no fuzzing kernel recipe for source '" + std::string(line) + "' (known: " + known + ")");
}

fs::path default_fuzz_fragment_path(std::string_view line) {
    return corpus_modules_dir().parent_path() / "kernel" / ("fuzz-" + std::string(line) + ".config");
}

std::string fuzz_local_version(bool signing) { return signing ? "-mhfuzz-sig" : "-mhfuzz"; }

std::string fuzz_fragment(std::string_view base, bool signing) {
    std::string out(base);
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "# Added by modharness kernel build-fuzz\n";
    out += "CONFIG_LOCALVERSION=\"" + fuzz_local_version(signing) + "\"\n";
    out += "# CONFIG_LOCALVERSION_AUTO is not set\n";
    if (signing) {
        // Unforced: unsigned seeds still load (tainting), signed ones reach the trailer parser.
        out += "CONFIG_MODULE_SIG=y\n";
        out += "# CONFIG_MODULE_SIG_FORCE is not set\n";
        // Debian's "MODSIGN: check the attached signature against the blacklist hashes" patch
        // hashes every verified module with sha256 and fails the load (ENOENT, no log line) when
        // the kernel has no sha256; nothing selects it, and tinyconfig + SHA512 signing lacks it.
        out += "CONFIG_CRYPTO_SHA256=y\n";
    }
    return out;
}

std::string fuzz_config_hash(std::string_view merged_fragment, std::string_view source) {
    Fnv f;
    f.add(kRecipeVersion);
    f.add(merged_fragment);
    f.add(source);
    return f.hex();
}

Expected<MakefileEdit> remove_kcov_exclusion(std::string_view text) {
    MakefileEdit edit;
    bool found_marker = false;
    for (auto [line, number] : lines(text)) {
        std::string_view body = line;
        while (!body.empty() && (body.back() == ' ' || body.back() == '\t' || body.back() == '\r')) body.remove_suffix(1);
        if (body == kKcovExclusion) {
            edit.text += std::string(kKcovMarker) + " so that the loader is instrumented\n";
            edit.changed = true;
        } else {
            if (body.rfind(kKcovMarker, 0) == 0) found_marker = true;
            edit.text += line;
            if (has_newline(text, line)) edit.text += '\n';
        }
    }
    if (!edit.changed && !found_marker)
        return make_error("kernel/module/Makefile has no '" + std::string(kKcovExclusion) +
                          "' line: this source is not the one the recipe knows (check that main.o is instrumented by hand)");
    return edit;
}

std::vector<std::string> config_mismatches(const std::map<std::string, std::string>& fragment,
                                           const std::map<std::string, std::string>& config) {
    std::vector<std::string> out;
    for (const auto& [key, wanted] : fragment) {
        auto it = config.find(key);
        std::string got = it == config.end() ? "n" : it->second;
        if (got != wanted) out.push_back(key + ": wanted " + wanted + ", got " + (it == config.end() ? std::string("(absent)") : got));
    }
    return out;
}

int count_call_sites(std::string_view text, std::string_view symbol) {
    int n = 0;
    for (auto [line, number] : lines(text)) {
        // "   R_X86_64_PLT32\t__sanitizer_cov_trace_pc-0x4": the symbol must end there, so that
        // __sanitizer_cov_trace_pc_guard or a longer name does not count.
        if (line.find("R_X86_64_") == std::string_view::npos) continue;
        for (std::size_t at = line.find(symbol); at != std::string_view::npos; at = line.find(symbol, at + 1)) {
            std::size_t after = at + symbol.size();
            bool ident_before = at > 0 && (std::isalnum(static_cast<unsigned char>(line[at - 1])) || line[at - 1] == '_');
            bool ident_after = after < line.size() && (std::isalnum(static_cast<unsigned char>(line[after])) || line[after] == '_');
            if (!ident_before && !ident_after) {
                ++n;
                break;
            }
        }
    }
    return n;
}

Expected<std::vector<fs::path>> loader_objects(const fs::path& tree) {
    const fs::path dir = tree / "kernel" / "module";
    std::error_code ec;
    std::vector<fs::path> objects;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".o" && e.is_regular_file(ec)) objects.push_back(e.path());
    if (ec) return make_error("cannot list '" + dir.string() + "': " + ec.message());
    if (objects.empty()) return make_error("no objects in '" + dir.string() + "': the kernel is not built");
    std::sort(objects.begin(), objects.end());
    return objects;
}

Expected<std::string> binutils_output(const std::vector<std::string>& argv) {
    host::ProcessOptions po;
    po.timeout = kToolTimeout;
    po.max_capture = 512u << 20;
    auto r = host::run_process(argv, po);
    if (!r) return make_error(argv[0] + ": " + r.error().message + " (install binutils)");
    if (!r->success())
        return make_error(host::display_command(argv).substr(0, 200) + " failed (" + r->status_text() +
                          "): " + host::tail_lines(r->err, 5));
    if (r->truncated) return make_error(argv[0] + " output exceeded the capture limit");
    return std::move(r->out);
}

Expected<std::map<std::string, int>> count_kcov_sites(const fs::path& tree) {
    MH_TRY_ASSIGN(objects, loader_objects(tree));
    std::map<std::string, int> out;
    for (const auto& o : objects) {
        MH_TRY_ASSIGN(disasm, binutils_output({"objdump", "-dr", o.string()}));
        out[o.filename().string()] = count_call_sites(disasm, "__sanitizer_cov_trace_pc");
    }
    return out;
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FuzzBuildInfo, config_hash, signing, release, extract_seconds, build_seconds, bzimage_bytes,
                                                kcov_sites, built_at)

std::string fuzz_build_info_to_json(const FuzzBuildInfo& i) {
    Json j = i;
    j["format"] = 1;
    j["kcov_sites_total"] = i.kcov_sites_total();  // for people reading the file; not read back
    return j.dump(2) + "\n";
}

Expected<FuzzBuildInfo> fuzz_build_info_from_json(const std::string& text) {
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return make_error("fuzz build info is not a JSON object");
    FuzzBuildInfo i;
    try {
        if (j.value("format", 0) != 1) return make_error("fuzz build info: unsupported format");
        i = j.get<FuzzBuildInfo>();
    } catch (const Json::exception& e) {
        return make_error(std::string("fuzz build info: ") + e.what());
    }
    if (i.config_hash.empty()) return make_error("fuzz build info: no config_hash");
    return i;
}

namespace {

Expected<FuzzKernel> build_untagged(const FuzzBuildOptions& options) {
    MH_TRY_ASSIGN(source, fuzz_source(options.line));
    const fs::path tarball = options.tarball.empty() ? source.tarball() : options.tarball;
    const fs::path fragment_path = options.fragment.empty() ? default_fuzz_fragment_path(source.line) : options.fragment;
    MH_TRY_ASSIGN(base_fragment, read_text_file(fragment_path));
    MH_TRY(check_requirements(options.signing, source, tarball, options.verbose));

    const std::string merged = fuzz_fragment(base_fragment, options.signing);
    const std::string hash = fuzz_config_hash(merged, source_identity(source, tarball));
    const std::string line_name = source.name();
    const std::string variant = source.variant_name(options.signing);
    const fs::path dir = kernels_dir() / (line_name + "-" + hash);
    const fs::path tree = dir / source.tree_dir();
    {
        std::string s = dir.string();
        if (s.find_first_of(" :#$") != std::string::npos)
            return make_error("path '" + s +
                              "' contains a space, ':', '#' or '$', which kbuild cannot handle; set MH_CACHE_DIR to a plain path");
    }

    // One build at a time (two would fight over the same tree); fetches use another lock.
    MH_TRY_ASSIGN(lock, host::FileLock::acquire(kernels_dir() / ".fuzz-build.lock"));
    std::error_code ec;
    if (!options.rebuild) {
        auto rec_text = read_text_file(dir / kKernelRecordFile);
        auto info_text = read_text_file(dir / kFuzzBuildInfoFile);
        if (rec_text && info_text) {
            auto rec = kernel_record_from_json(*rec_text);
            auto info = fuzz_build_info_from_json(*info_text);
            if (rec && info && info->config_hash == hash && fs::is_regular_file(dir / rec->bzimage, ec)) {
                if (std::find(rec->names.begin(), rec->names.end(), line_name) == rec->names.end()) {
                    rec->names.insert(rec->names.begin(), line_name);
                    MH_TRY(write_file_atomic(dir / kKernelRecordFile, kernel_record_to_json(*rec)));
                }
                MH_TRY(retire_other_builds(dir, line_name, variant));
                progress(options.verbose, "fuzz kernel " + rec->release + " already built in " + dir.string());
                return FuzzKernel{kernel_from_record(*rec, dir, line_name), dir, *info, false};
            }
        }
    }
    // A record marks a finished build; without one, a finished extraction is still worth keeping
    // (make is incremental), anything else starts over.
    fs::remove(dir / kKernelRecordFile, ec);
    if (options.rebuild || !fs::exists(dir / kExtractedStamp, ec)) fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) return make_error("cannot create '" + dir.string() + "': " + ec.message());

    FuzzBuildInfo info;
    info.config_hash = hash;
    info.signing = options.signing;
    if (!fs::exists(dir / kExtractedStamp, ec)) {
        progress(options.verbose, "extracting " + tarball.string() + " into " + dir.string());
        auto t0 = std::chrono::steady_clock::now();
        fs::remove(dir / "build.log", ec);
        host::ProcessOptions po;
        po.timeout = kToolTimeout;
        po.merge_stderr = true;
        po.interrupted = options.interrupted;
        auto r = host::run_process({"tar", "-xf", tarball.string(), "-C", dir.string()}, po);
        if (!r) return make_error("tar: " + r.error().message, r.error().kind);
        if (!r->success())
            return make_error("extracting '" + tarball.string() + "' failed (" + r->status_text() + "): " + host::tail_lines(r->out, 10));
        if (!fs::is_regular_file(tree / "Makefile", ec))
            return make_error("'" + tarball.string() + "' did not unpack to " + source.tree_dir() + "/Makefile");
        info.extract_seconds = seconds_since(t0);
        MH_TRY(write_file_atomic(dir / kExtractedStamp, std::to_string(info.extract_seconds) + "\n"));
    } else {
        if (auto t = read_text_file(dir / kExtractedStamp)) info.extract_seconds = std::atof(t->c_str());
        progress(options.verbose, "resuming the build in " + tree.string());
    }

    const auto t0 = std::chrono::steady_clock::now();
    {
        const fs::path mk = tree / "kernel" / "module" / "Makefile";
        MH_TRY_ASSIGN(text, read_text_file(mk));
        MH_TRY_ASSIGN(edit, remove_kcov_exclusion(text));
        if (edit.changed) MH_TRY(write_file_atomic(mk, edit.text));
    }
    const fs::path fragment_file = dir / "fuzz.config";
    MH_TRY(write_file_atomic(fragment_file, merged));
    progress(options.verbose, "configuring: make tinyconfig + " + fragment_path.string() + (options.signing ? " + signing" : ""));
    MH_TRY(run_step({"make", "tinyconfig"}, tree, options, "make tinyconfig", kToolTimeout));
    MH_TRY(run_step({"scripts/kconfig/merge_config.sh", "-m", ".config", fragment_file.string()}, tree, options, "merge_config.sh",
                    kToolTimeout));
    MH_TRY(run_step({"make", "olddefconfig"}, tree, options, "make olddefconfig", kToolTimeout));
    MH_TRY_ASSIGN(config_text, read_text_file(tree / ".config"));
    const auto config = parse_kernel_config(config_text);
    if (auto bad = config_mismatches(parse_kernel_config(merged), config); !bad.empty()) {
        std::string list;
        for (const auto& b : bad) list += "\n  " + b;
        return make_error("the kernel configuration lost options of the fragment (unmet dependencies?):" + list);
    }

    progress(options.verbose, "building bzImage with -j" + std::to_string(options.jobs) + " under nice -n 19 (several minutes)");
    MH_TRY(run_step(nice_make(options.jobs, {"bzImage", "modules_prepare"}), tree, options, "kernel build", options.make_timeout));
    // `make modules` with no modules configured still runs modpost over vmlinux and writes
    // Module.symvers: out-of-tree modules then link against the real exports instead of needing
    // KBUILD_MODPOST_WARN=1.
    MH_TRY(run_step(nice_make(options.jobs, {"modules"}), tree, options, "make modules (Module.symvers)", options.make_timeout));
    if (!fs::is_regular_file(tree / "Module.symvers", ec)) return make_error("'make modules' wrote no Module.symvers in " + tree.string());
    info.build_seconds = seconds_since(t0);

    const fs::path bzimage = tree / "arch" / "x86" / "boot" / "bzImage";
    MH_TRY_ASSIGN(bz, inspect_bzimage(bzimage));
    info.release = tree_release(tree);
    if (info.release.empty()) return make_error("built tree has no include/config/kernel.release");
    if (bz.release != info.release)
        return make_error("'" + bzimage.string() + "' reports release '" + bz.release + "', the tree '" + info.release + "'");
    info.bzimage_bytes = fs::file_size(bzimage, ec);
    MH_TRY_ASSIGN(sites, count_kcov_sites(tree));
    info.kcov_sites = sites;
    if (info.kcov_sites["main.o"] == 0)
        return make_error("kernel/module/main.o has no __sanitizer_cov_trace_pc calls: the loader is not instrumented");
    info.built_at = utc_now_iso();

    KernelRecord rec;
    rec.names = {line_name, variant};
    rec.release = info.release;
    rec.version = version_from_config_header(config_text);
    rec.packages = {{source.package(), dpkg_version(source)}};
    rec.bzimage = (fs::path(source.tree_dir()) / "arch" / "x86" / "boot" / "bzImage").string();
    rec.build_tree = source.tree_dir();
    rec.config = loader_config(config);
    rec.extract_seconds = info.extract_seconds;
    rec.size_bytes = tree_size_bytes(dir);
    rec.fetched_at = info.built_at;
    MH_TRY(write_file_atomic(dir / kFuzzBuildInfoFile, fuzz_build_info_to_json(info)));
    MH_TRY(write_file_atomic(dir / kKernelRecordFile, kernel_record_to_json(rec)));
    MH_TRY(retire_other_builds(dir, line_name, variant));
    progress(options.verbose, "fuzz kernel " + rec.release + " ready in " + dir.string());
    return FuzzKernel{kernel_from_record(rec, dir, line_name), dir, info, true};
}

}  // namespace

// A failed build is the machine's (missing source package, compiler, disk), whatever its message.
Expected<FuzzKernel> build_fuzz_kernel(const FuzzBuildOptions& options) {
    return with_default_kind(build_untagged(options), ErrorKind::kEnvironment);
}

}  // namespace mh::kernels
