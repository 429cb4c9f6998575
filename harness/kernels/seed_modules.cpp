// Building the corpus seed modules against a kernel's headers with kbuild, cached by release + source hash.
#include "harness/kernels/seed_modules.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <optional>
#include <system_error>

#include "harness/common/error_kind.h"
#include "harness/common/files.h"
#include "harness/paths/artefact_paths.h"
#include "harness/common/fnv.h"
#include "harness/host/cache_dir.h"
#include "harness/host/file_lock.h"
#include "harness/elf/reader.h"
#include "harness/host/process.h"

namespace mh::kernels {
namespace fs = std::filesystem;
namespace {

// Bump when the build recipe (make arguments, verification, layout) changes.
constexpr std::string_view kBuilderVersion = "seed-builder-1";
constexpr std::size_t kMakeTailLines = 30;

// Sources of one seed, sorted, relative to its directory (regular files only; build products
// and editor droppings excluded).
std::vector<fs::path> source_files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file(ec)) continue;
        std::string n = e.path().filename().string();
        std::string ext = e.path().extension().string();
        if (n == "Kbuild" || n == "Makefile" || ext == ".c" || ext == ".h" || ext == ".S") out.push_back(e.path().filename());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// What identifies the build tree beyond the release: a rebuilt user kernel may keep its release.
std::string build_tree_identity(const fs::path& tree) {
    Fnv f;
    f.add(tree.string());
    for (const char* name : {".config", "include/config/kernel.release"})
        if (auto t = read_text_file(tree / name)) f.add(*t);
    std::error_code ec;
    auto symvers = tree / "Module.symvers";
    if (fs::exists(symvers, ec)) f.add(std::to_string(fs::file_size(symvers, ec)));
    return f.hex();
}

std::string size_suffix(std::uint64_t bytes) {
    if (bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + "g";
    if (bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + "m";
    if (bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + "k";
    return std::to_string(bytes);
}

Status copy_sources(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::create_directories(to, ec);
    if (ec) return make_error("cannot create '" + to.string() + "': " + ec.message());
    for (const auto& f : source_files(from)) {
        fs::copy_file(from / f, to / f, fs::copy_options::overwrite_existing, ec);
        if (ec) return make_error("cannot copy '" + (from / f).string() + "': " + ec.message());
    }
    return ok_status();
}

// Drops bulky intermediates (the big payload exists three times otherwise).
void prune_build_dir(const fs::path& dir) {
    std::error_code ec;
    std::vector<fs::path> doomed;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string ext = e.path().extension().string();
        if (ext == ".o" || e.path().filename() == "blob.bin") doomed.push_back(e.path());
    }
    for (const auto& p : doomed) fs::remove(p, ec);
}

std::string kbuild_path_problem(const fs::path& p) {
    std::string s = p.string();
    if (s.find_first_of(" :#$") != std::string::npos)
        return "path '" + s + "' contains a space, ':', '#' or '$', which kbuild cannot handle; set MH_CACHE_DIR to a plain path";
    return {};
}

Status build_one(const Kernel& k, const SeedSpec& spec, const fs::path& source, const fs::path& final_dir,
                 const SeedBuildOptions& options) {
    std::error_code ec;
    const fs::path tmp = final_dir.parent_path() / ("." + final_dir.filename().string() + ".tmp-" + std::to_string(getpid()));
    fs::remove_all(tmp, ec);
    MH_TRY(copy_sources(source, tmp));
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code e;
            fs::remove_all(dir, e);
        }
    } cleanup{tmp};

    std::vector<std::string> argv{"make", "-C", k.build_tree.string(), "M=" + tmp.string(), "modules",
                                  // No pahole on the host, no vmlinux in headers: BTF for a seed is useless anyway.
                                  "CONFIG_DEBUG_INFO_BTF_MODULES="};
    // A kernel tree built with only `bzImage modules_prepare` has no Module.symvers: modpost
    // then knows no exports and would fail every module; warnings instead (Debian headers and
    // `modharness kernel build-fuzz` trees have the file, so this never applies to them).
    if (!fs::exists(k.build_tree / "Module.symvers", ec)) argv.push_back("KBUILD_MODPOST_WARN=1");
    if (spec.source_dir == "big") {
        MH_TRY(write_blob(tmp / "blob.bin", spec.big_bytes));
        argv.push_back("MH_BIG_NAME=" + spec.module);
        argv.push_back("MH_BIG_BLOB=" + (tmp / "blob.bin").string());
    }
    host::ProcessOptions po;
    po.merge_stderr = true;
    po.echo = options.verbose;
    po.timeout = options.make_timeout;
    // A parent make's jobserver and flags must not leak into kbuild.
    po.env_overrides = {"MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=", "KBUILD_EXTMOD=", "M="};
    po.interrupted = options.interrupted;
    auto r = host::run_process(argv, po);
    if (!r && r.error().kind == ErrorKind::kInterrupted) return r.error();
    if (!r) return make_error("seed '" + spec.name + "': " + r.error().message + " (install make and gcc)");
    {
        std::ofstream log(tmp / "build.log", std::ios::binary);
        log << "$ " << host::display_command(argv) << "\n" << r->out;
    }
    if (!r->success()) {
        std::string hint;
        if (r->out.find("not found") != std::string::npos) hint = "\n(a tool is missing: Debian kernels need make, gcc-12, bc, libelf-dev)";
        return make_error("building seed '" + spec.name + "' for " + k.release + " failed (" + r->status_text() +
                          "): " + host::display_command(argv) + "\n" + host::tail_lines(r->out, kMakeTailLines) + hint);
    }
    const fs::path ko = tmp / (spec.module + ".ko");
    if (!fs::exists(ko, ec))
        return make_error("make succeeded but produced no '" + ko.string() + "':\n" + host::tail_lines(r->out, kMakeTailLines));
    MH_TRY(verify_seed_module(ko, spec, k.release));
    prune_build_dir(tmp);
    MH_TRY(write_file_atomic(tmp / ".mh-built", std::string(kBuilderVersion) + "\n"));
    fs::remove_all(final_dir, ec);
    fs::rename(tmp, final_dir, ec);
    if (ec) return make_error("cannot move '" + tmp.string() + "' to '" + final_dir.string() + "': " + ec.message());
    return ok_status();
}

// Older builds of the same seed (other source hashes): they can be large.
void remove_stale_builds(const fs::path& release_dir, const SeedSpec& spec, const fs::path& keep) {
    std::error_code ec;
    const std::string prefix = spec.name + "-";
    std::vector<fs::path> stale;
    for (const auto& e : fs::directory_iterator(release_dir, ec)) {
        std::string n = e.path().filename().string();
        if (e.path() != keep && n.size() == prefix.size() + 16 && n.compare(0, prefix.size(), prefix) == 0) stale.push_back(e.path());
    }
    for (const auto& p : stale) fs::remove_all(p, ec);
}

}  // namespace

const std::vector<SeedInfo>& seed_catalogue() {
    static const std::vector<SeedInfo> table = {
        {"ok", "mh_ok", "valid module: init returns 0, has an exit (loads and unloads)", false},
        {"sentinel", "mh_sentinel", "init returns -ENOTRECOVERABLE: every loader check passed, nothing stays loaded", false},
        {"params", "mh_params", "int ival, charp sval, bool bval parameters; ret= sets init's return value", false},
        {"big", "mh_big", "payload of real bytes (.incbin), 1 MiB; big_<size> variants e.g. big_64m", false},
        {"provider", "mh_provider",
         "fuzzing environment: exports plain, GPL-only and namespaced symbols for mh_consumer; stays loaded in fuzzing VMs", false},
        {"consumer", "mh_consumer", "imports from mh_provider (plain, GPL, namespaced, per-cpu) and calls the module API in init", false},
        {"panic", "mh_panic", "fault: init calls panic()", true},
        {"oops", "mh_oops", "fault: init writes through NULL (oops, taint D)", true},
        {"warn", "mh_warn", "fault: init WARNs, then returns -ENOTRECOVERABLE", true},
        {"hang", "mh_hang", "fault: init never returns (killable=1 default: -EINTR on SIGKILL)", true},
        {"oom", "mh_oom", "fault: init allocates until the guest is out of memory (OOM killer), then -ENOMEM", true},
        {"flood", "mh_flood", "fault: init prints lines=20000 console warnings, then -ENOTRECOVERABLE", true},
        {"kasan", "mh_kasan", "fault: init writes one byte past a kmalloc'd buffer (KASAN report on KASAN kernels), then -ENOTRECOVERABLE",
         true},
        {"lateoops", "mh_lateoops", "fault: init returns 0 and a work item oopses delay_ms=100 later (a report between cases)", true},
        {"paramoops", "mh_paramoops", "fault: oopses only for depth=13 (fuzzing crash-pipeline demo); loads for any other value", true},
    };
    return table;
}

std::vector<std::string> default_seed_names() {
    std::vector<std::string> out;
    for (const auto& s : seed_catalogue()) out.emplace_back(s.name);
    return out;
}

Expected<std::uint64_t> parse_size(std::string_view text) {
    std::size_t i = 0;
    std::uint64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (n > (UINT64_MAX - 9) / 10) return make_error("size '" + std::string(text) + "' is too large");
        n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
        ++i;
    }
    if (i == 0) return make_error("size '" + std::string(text) + "' does not start with a number (e.g. 64M, 512k, 1048576)");
    std::string unit;
    for (; i < text.size(); ++i) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    unsigned shift = 0;
    if (unit.empty() || unit == "b") {
        shift = 0;
    } else if (unit == "k" || unit == "kib" || unit == "kb") {
        shift = 10;
    } else if (unit == "m" || unit == "mib" || unit == "mb") {
        shift = 20;
    } else if (unit == "g" || unit == "gib" || unit == "gb") {
        shift = 30;
    } else {
        return make_error("size '" + std::string(text) + "': unknown unit '" + unit + "' (use k, M or G: powers of 1024)");
    }
    if (shift > 0 && n > (UINT64_MAX >> shift)) return make_error("size '" + std::string(text) + "' is too large");
    return n << shift;
}

std::string big_seed_name(std::uint64_t bytes) { return "big_" + size_suffix(bytes); }

Expected<SeedSpec> parse_seed_name(const std::string& name) {
    for (const auto& s : seed_catalogue()) {
        if (s.name == name) {
            SeedSpec spec{name, std::string(s.name), std::string(s.module), 0};
            if (name == "big") spec.big_bytes = kDefaultBigBytes;
            return spec;
        }
    }
    if (name.rfind("big_", 0) == 0) {
        auto size = parse_size(std::string_view(name).substr(4));
        if (!size) return usage_error("seed '" + name + "': " + size.error().message);
        if (*size == 0 || *size > kMaxBigBytes)
            return usage_error("seed '" + name + "': payload size must be between 1 byte and " + std::to_string(kMaxBigBytes >> 20) +
                               " MiB");
        // Canonical name, so big_64M and big_65536k share one build.
        std::string canonical = big_seed_name(*size);
        return SeedSpec{canonical, "big", "mh_" + canonical, *size};
    }
    std::string known;
    for (const auto& s : seed_catalogue()) known += (known.empty() ? "" : ", ") + std::string(s.name);
    return usage_error("unknown seed module '" + name + "' (known: " + known + ", big_<size> e.g. big_64m)");
}

fs::path corpus_modules_dir() { return paths::artefact_path(paths::Artefact::kSeedSources); }

Expected<std::string> seed_source_hash(const fs::path& source_dir, const SeedSpec& spec, std::string_view extra) {
    auto files = source_files(source_dir);
    if (files.empty()) return make_error("seed '" + spec.name + "': no sources (Kbuild, *.c) in '" + source_dir.string() + "'");
    Fnv f;
    f.add(kBuilderVersion);
    f.add(spec.module);
    f.add(std::to_string(spec.big_bytes));
    f.add(extra);
    for (const auto& name : files) {
        MH_TRY_ASSIGN(text, read_text_file(source_dir / name));
        f.add(name.string());
        f.add(text);
    }
    return f.hex();
}

Status write_blob(const fs::path& path, std::uint64_t bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return make_error("cannot write '" + path.string() + "'");
    std::uint64_t x = 0x6d6f646861726e65ull;  // xorshift64 state, fixed: the blob is reproducible
    std::vector<char> chunk(1u << 20);
    std::uint64_t left = bytes;
    while (left > 0) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
        for (std::size_t i = 0; i < n; i += 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for (std::size_t j = 0; j < 8 && i + j < n; ++j) chunk[i + j] = static_cast<char>((x >> (8 * j)) & 0xff);
        }
        if (!out.write(chunk.data(), static_cast<std::streamsize>(n)))
            return make_error("writing '" + path.string() + "' failed (disk full?)");
        left -= n;
    }
    return ok_status();
}

Status verify_seed_module(const fs::path& ko, const SeedSpec& spec, const std::string& release) {
    MH_TRY_ASSIGN(bytes, read_file_bytes(ko));
    auto in_file = [&](const Error& e) { return make_error("'" + ko.string() + "': " + e.message); };
    // The type is checked below, with the seed named; make builds for the host, so no machine check.
    auto view = elf::ElfView::parse(bytes, {.require_x86_64_rel = false});
    if (!view) return in_file(view.error());
    // Everything make wrote must read: every section name, and every section's bytes inside the file.
    for (size_t i = 1; i < view->section_count(); ++i) {
        if (auto name = view->section_name(i); !name) return in_file(name.error());
        if (auto data = view->section_data(i); !data) return in_file(data.error());
    }
    const std::string where = "seed '" + spec.name + "' (" + ko.string() + ")";
    if (view->header().type != elf::kEtRel) return make_error(where + ": e_type " + std::to_string(view->header().type) + " is not ET_REL");
    if (!view->find_section(".gnu.linkonce.this_module")) return make_error(where + ": no .gnu.linkonce.this_module section");
    const auto modinfo = elf::read_modinfo(*view).value_or(std::vector<elf::ModinfoEntry>{});
    auto info = [&](std::string_view key) { return std::string(elf::modinfo_value(modinfo, key).value_or("")); };
    if (info("name") != spec.module) return make_error(where + ": modinfo name '" + info("name") + "', expected '" + spec.module + "'");
    if (info("license") != "GPL") return make_error(where + ": modinfo license is not GPL");
    std::string vermagic = info("vermagic");
    if (!release.empty() && vermagic.compare(0, release.size() + 1, release + " ") != 0)
        return make_error(where + ": vermagic '" + vermagic + "' does not start with release '" + release + "'");
    if (spec.source_dir == "big") {
        const auto found = view->find_sections(".rodata.mh_big_blob");
        if (found.empty()) return make_error(where + ": no .rodata.mh_big_blob payload section");
        const elf::Shdr& payload = view->section(found.back());
        if (payload.type != elf::kShtProgbits || payload.size < spec.big_bytes)
            return make_error(where + ": payload section is type " + std::to_string(payload.type) + ", " + std::to_string(payload.size) +
                              " bytes; expected PROGBITS of " + std::to_string(spec.big_bytes));
    }
    return ok_status();
}

Expected<SeedSet> build_seed_modules(const Kernel& k, const std::vector<std::string>& names, bool verbose) {
    SeedBuildOptions o;
    o.verbose = verbose;
    return build_seed_modules(k, names, o);
}

namespace {

// build_seed_modules once the names are known: everything here is the machine's (headers, compiler, make, cache).
Expected<SeedSet> build_seed_specs(const Kernel& k, const std::vector<SeedSpec>& specs, const SeedBuildOptions& options) {
    std::error_code ec;
    if (k.build_tree.empty())
        return make_error(
            "kernel '" + k.name + "' has no build tree to build modules against" +
            (k.modules_dir.empty() ? std::string(" (for your own bzImage pass --build-tree DIR)") : std::string(" (fetch its headers)")));
    if (!fs::is_regular_file(k.build_tree / "Makefile", ec))
        return make_error("build tree '" + k.build_tree.string() + "' has no Makefile");
    if (k.release.empty()) return make_error("kernel '" + k.name + "' has an unknown release; cannot key the seed cache");
    const fs::path source_root = options.source_root.empty() ? corpus_modules_dir() : options.source_root;
    if (source_root.empty() || !fs::is_directory(source_root, ec))
        return make_error("seed module sources not found at '" + source_root.string() + "' (set MH_CORPUS_DIR to corpus/modules)");

    SeedSet set;
    set.dir = host::cache_root() / "seeds" / k.release;
    if (auto problem = kbuild_path_problem(set.dir); !problem.empty()) return make_error(problem);
    fs::create_directories(set.dir, ec);
    if (ec) return make_error("cannot create '" + set.dir.string() + "': " + ec.message());
    MH_TRY_ASSIGN(lock, host::FileLock::acquire(set.dir / ".lock"));
    const std::string tree_id = build_tree_identity(k.build_tree);

    // Work out what is cached; build the rest, `jobs` makes at a time (each is mostly one
    // compiler process, so two overlap well even on two cores).
    struct Pending {
        const SeedSpec* spec;
        fs::path source;
        fs::path final_dir;
    };
    std::vector<Pending> pending;
    for (const auto& spec : specs) {
        const fs::path source = source_root / spec.source_dir;
        MH_TRY_ASSIGN(hash, seed_source_hash(source, spec, tree_id));
        const fs::path final_dir = set.dir / (spec.name + "-" + hash);
        const fs::path ko = final_dir / (spec.module + ".ko");
        if (!fs::exists(final_dir / ".mh-built", ec) || !fs::exists(ko, ec)) pending.push_back({&spec, source, final_dir});
        set.modules[spec.name] = ko;
    }
    // Verbose output of two makes would interleave mid-line: one at a time then.
    const std::size_t jobs = options.verbose ? 1 : std::max<std::size_t>(1, options.jobs);
    for (std::size_t start = 0; start < pending.size(); start += jobs) {
        std::vector<std::future<Status>> running;
        for (std::size_t i = start; i < std::min(pending.size(), start + jobs); ++i) {
            const Pending& p = pending[i];
            if (options.verbose) std::fprintf(stderr, "modharness: building seed '%s' for %s\n", p.spec->name.c_str(), k.release.c_str());
            running.push_back(
                std::async(std::launch::async, [&k, &p, &options] { return build_one(k, *p.spec, p.source, p.final_dir, options); }));
        }
        std::optional<Error> first_error;
        for (auto& f : running) {
            Status st = f.get();
            if (!st && !first_error) first_error = st.error();
        }
        if (first_error) return *first_error;
        for (std::size_t i = start; i < std::min(pending.size(), start + jobs); ++i)
            remove_stale_builds(set.dir, *pending[i].spec, pending[i].final_dir);
    }
    return set;
}

}  // namespace

Expected<SeedSet> build_seed_modules(const Kernel& k, const std::vector<std::string>& names_in, const SeedBuildOptions& options) {
    std::vector<SeedSpec> specs;
    for (const auto& n : names_in.empty() ? default_seed_names() : names_in) {
        MH_TRY_ASSIGN(spec, parse_seed_name(n));  // an unknown name is a usage error
        if (std::none_of(specs.begin(), specs.end(), [&](const SeedSpec& s) { return s.name == spec.name; })) specs.push_back(spec);
    }
    return with_default_kind(build_seed_specs(k, specs, options), ErrorKind::kEnvironment);
}

}  // namespace mh::kernels
