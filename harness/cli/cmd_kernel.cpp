// `modharness kernel`: fetch Debian kernels + headers into the cache, list them, print paths.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/cli/number_option.h"
#include "harness/cli/interrupt.h"
#include "harness/host/cache_dir.h"
#include "harness/kernels/archive_kernels.h"
#include "harness/kernels/debian_packages.h"
#include "harness/kernels/fuzz_kernel.h"
#include "harness/kernels/kernel_cache.h"
#include "harness/kernels/kernel_set.h"

namespace mh::cli {
namespace {

std::vector<OptionSpec> kernel_options() {
    return {
        {"refresh", "", "fetch: resolve an alias again even if it is cached"},
        {"quiet", "", "fetch, build-fuzz: no progress output"},
        {"json", "", "list: one JSON object per cached (or, with --available, offered) kernel"},
        {"available", "", "list: what Debian's archive offers (apt-cache, no download), the cached builds marked"},
        {"build-tree", "DIR", "path, info: the build tree of a bzImage given as PATH"},
        {"jobs", "N", "build-fuzz: parallel make jobs, 1..256 (default 2)"},
        {"rebuild", "", "build-fuzz: build again even if the cached kernel matches the config"},
        {"signing", "", "build-fuzz: the variant with CONFIG_MODULE_SIG"},
        {"source", "LINE", "build-fuzz: the kernel line to build, 6.1 or 6.12 (default 6.12)"},
        {"help", "", ""},
    };
}

void print_kernel_help(const std::vector<OptionSpec>& specs) {
    std::printf(
        "usage: modharness kernel fetch NAME|SET... [--refresh] [--quiet]\n"
        "       modharness kernel list [--json]\n"
        "       modharness kernel list --available [LINE | SET] [--json]\n"
        "       modharness kernel path NAME [--build-tree DIR]\n"
        "       modharness kernel info NAME [--build-tree DIR]\n"
        "       modharness kernel build-fuzz [--source 6.1|6.12] [--jobs N] [--rebuild] [--signing] [--quiet]\n"
        "\n"
        "Kernels to test come from Debian's archive: `apt-get download` of the kernel image and its\n"
        "headers, unpacked with `dpkg-deb -x` into the cache. Nothing is installed into the system.\n"
        "A cached kernel is used without any apt call; --refresh re-resolves an alias (e.g. after a\n"
        "Debian point release).\n"
        "\n"
        "NAME is one of:\n");
    for (const auto& a : mh::kernels::kernel_aliases())
        std::printf("  %-20s %s%s\n", std::string(a.alias).c_str(), std::string(a.description).c_str(),
                    a.alias == mh::kernels::kDefaultKernel ? "" : "");
    std::printf(
        "  linux-image-...      a Debian image package, versioned or meta (linux-image-6.1.0-56-cloud-amd64)\n"
        "  6.1.0-56-cloud-amd64 a release (uname -r) of a Debian kernel\n"
        "  PATH                 your own bzImage (path, e.g. ./arch/x86/boot/bzImage); --build-tree DIR\n"
        "                       names its build tree for seed-module builds\n"
        "The default kernel everywhere is %s.\n"
        "\n"
        "fetch also takes kernel sets (see below): every kernel of the set is fetched, e.g. ahead of a matrix.\n"
        "list --available shows the archive's kernel builds (package, Debian and upstream version,\n"
        "flavour, download size, whether headers exist -- the suite's seed modules need them -- and\n"
        "whether it is cached), all of them, those of one LINE (debian-6.1-cloud, debian-6.12,\n"
        "debian-6.1-rt, ...) or the kernels a SET expands to. Kernel sets (modharness matrix --kernels):\n"
        "%s"
        "\n"
        "Cache: %s/kernels/<release>/ (set MH_CACHE_DIR to move it). Fetching uses apt-get, so the\n"
        "package lists must be current ('apt-get update' as root).\n"
        "build-fuzz builds the fuzzing kernel fuzz-LINE (LINE from --source: 6.12, the default, or 6.1)\n"
        "from Debian's linux-source-LINE (installed with apt-get when missing, as root): tinyconfig +\n"
        "corpus/kernel/fuzz-LINE.config (KCOV with comparisons, KASAN, modules, xz module decompression),\n"
        "kernel/module/main.o instrumented for KCOV, built under `nice -n 19` with --jobs (default 2)\n"
        "into <cache>/kernels/fuzz-LINE-<config hash>/. Several minutes on 2 cores; a no-op when the\n"
        "cached kernel matches the config. --signing adds CONFIG_MODULE_SIG (not forced) with a key\n"
        "kbuild generates (needs libssl-dev, openssl); --rebuild starts over. The last variant built\n"
        "of a line answers to fuzz-LINE; each also to fuzz-LINE-nosig or fuzz-LINE-sig. The two lines\n"
        "are cached side by side. See docs/fuzz-kernel.md.\n"
        "\n"
        "options:\n",
        std::string(mh::kernels::kDefaultKernel).c_str(), mh::kernels::kernel_set_help().c_str(), mh::host::cache_root().string().c_str());
    print_option_help(stdout, specs);
    std::fputs(
        "\nexit codes: 0 ok, 2 usage (an unknown NAME: checked before any download), 3 environment\n"
        "(apt/network/missing package/bad image/build failed), 4 the cache could not be written,\n"
        "130 interrupted (download or make stopped, nothing half-made kept)\n",
        stdout);
}

std::string human_size(std::uintmax_t bytes) {
    char buf[32];
    if (bytes >= (1ull << 30)) {
        std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / static_cast<double>(1ull << 30));
    } else {
        std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / static_cast<double>(1ull << 20));
    }
    return buf;
}

int list_kernels(bool json) {
    auto records = mh::kernels::cached_kernel_records();
    if (json) {
        for (const auto& [dir, rec] : records) {
            auto j = nlohmann::json::parse(mh::kernels::kernel_record_to_json(rec));
            j["dir"] = dir.string();
            std::printf("%s\n", j.dump().c_str());
        }
        return kExitOk;
    }
    if (records.empty()) {
        std::printf("no kernels cached in %s (try: modharness kernel fetch %s)\n", mh::kernels::kernels_dir().string().c_str(),
                    std::string(mh::kernels::kDefaultKernel).c_str());
        return kExitOk;
    }
    std::printf("%-34s %-32s %-10s %9s  %-7s %s\n", "NAME", "RELEASE", "VERSION", "SIZE", "HEADERS", "FETCHED");
    for (const auto& [dir, rec] : records) {
        std::string names;
        for (const auto& n : rec.names) names += (names.empty() ? "" : ",") + n;
        std::printf("%-34s %-32s %-10s %9s  %-7s %s\n", names.c_str(), rec.release.c_str(), rec.version.c_str(),
                    human_size(rec.size_bytes).c_str(), rec.build_tree.empty() ? "no" : "yes", rec.fetched_at.c_str());
    }
    return kExitOk;
}

// One row of `kernel list --available`.
struct AvailableRow {
    std::string package, version, upstream, flavour, release;
    std::uintmax_t bytes = 0;
    bool headers = false, cached = false;
};

void print_available(const std::vector<AvailableRow>& rows, bool json) {
    if (json) {
        for (const auto& r : rows)
            std::printf("%s\n", nlohmann::json{{"package", r.package},
                                               {"release", r.release},
                                               {"version", r.version},
                                               {"upstream", r.upstream},
                                               {"flavour", r.flavour},
                                               {"size_bytes", r.bytes},
                                               {"headers", r.headers},
                                               {"cached", r.cached}}
                                    .dump()
                                    .c_str());
        return;
    }
    std::printf("%-48s %-20s %-9s %-12s %9s  %-7s %s\n", "PACKAGE", "VERSION", "UPSTREAM", "FLAVOUR", "SIZE", "HEADERS", "CACHED");
    for (const auto& r : rows)
        std::printf("%-48s %-20s %-9s %-12s %9s  %-7s %s\n", r.package.c_str(), r.version.c_str(), r.upstream.c_str(), r.flavour.c_str(),
                    r.bytes ? human_size(r.bytes).c_str() : "-", r.headers ? "yes" : "no", r.cached ? "cached" : "");
}

// `kernel list --available [LINE | SET]`: the archive's builds (of one line), or a set's kernels.
int list_available(const std::vector<std::string>& args, bool json) {
    namespace k = mh::kernels;
    if (args.size() > 1) return report_error("kernel list", usage_error("--available takes at most one LINE or SET (see --help)"));
    auto interrupted = install_interrupt_flag();
    std::set<std::string> cached;
    for (const auto& [dir, rec] : k::cached_kernel_records()) cached.insert(rec.release);
    std::vector<AvailableRow> rows;
    auto line = args.empty() ? std::nullopt : k::parse_kernel_line(args[0]);
    if (args.empty() || line) {
        auto archive = k::list_archive_kernels(k::system_apt(interrupted));
        if (!archive) return report_error("kernel list", archive.error());
        for (const auto& a : *archive) {
            if (line && (a.parts.line != line->line || a.parts.flavour != line->flavour)) continue;
            rows.push_back({a.image_package, a.version, a.upstream, a.parts.flavour, a.release, a.image_bytes, a.headers,
                            cached.count(a.release) > 0});
        }
        if (rows.empty() && !json) std::printf("the archive offers no %s builds\n", args.empty() ? "kernel" : args[0].c_str());
    } else {
        if (auto syntax = k::check_kernel_set(args); !syntax) return report_error("kernel list", syntax.error());
        auto members = k::expand_kernel_set(args, k::system_set_sources(interrupted));
        if (!members) return report_error("kernel list", members.error());
        for (const auto& m : *members)
            rows.push_back({m.image_package.empty() ? m.name : m.image_package, m.version, m.upstream, m.parts.flavour, m.release,
                            m.image_bytes, !m.user, m.cached || cached.count(m.release) > 0});
    }
    if (!rows.empty() || json) print_available(rows, json);
    return kExitOk;
}

void print_info(const mh::kernels::Kernel& k) {
    std::printf("name:        %s\nrelease:     %s\nversion:     %s\nbzimage:     %s\nbuild tree:  %s\nmodules dir: %s\n", k.name.c_str(),
                k.release.c_str(), k.version.c_str(), k.bzimage.string().c_str(),
                k.build_tree.empty() ? "(none)" : k.build_tree.string().c_str(),
                k.modules_dir.empty() ? "(none)" : k.modules_dir.string().c_str());
    for (const auto& [key, value] : k.config) std::printf("  %-32s %s\n", key.c_str(), value.c_str());
}

int build_fuzz(const ParsedArgs& p, const std::vector<std::string>& extra) {
    if (!extra.empty()) return report_error("kernel build-fuzz", usage_error("takes no NAME (got '" + extra.front() + "'; see --help)"));
    mh::kernels::FuzzBuildOptions o;
    auto jobs = number_option(p, "jobs", o.jobs, 1u, 256u);
    if (!jobs) return report_error("kernel build-fuzz", jobs.error());
    o.jobs = *jobs;
    o.rebuild = p.has("rebuild");
    o.signing = p.has("signing");
    o.line = p.get_or("source", std::string(mh::kernels::kDefaultFuzzLine));
    if (auto source = mh::kernels::fuzz_source(o.line); !source) return report_error("kernel build-fuzz", source.error());
    o.verbose = !p.has("quiet");
    o.interrupted = install_interrupt_flag();
    auto k = mh::kernels::build_fuzz_kernel(o);
    if (!k) return report_error("kernel build-fuzz", k.error());
    const auto& i = k->info;
    std::printf("%s\t%s\t%s\n", k->kernel.name.c_str(), k->kernel.release.c_str(), k->kernel.bzimage.string().c_str());
    std::printf("%s: build tree %s\n", k->built ? "built" : "cached", k->kernel.build_tree.string().c_str());
    std::printf("build %.0f s (extract %.0f s), bzImage %s (%ju bytes), KCOV sites in kernel/module: %d (main.o %d)\n", i.build_seconds,
                i.extract_seconds, human_size(i.bzimage_bytes).c_str(), static_cast<std::uintmax_t>(i.bzimage_bytes), i.kcov_sites_total(),
                i.kcov_sites.count("main.o") ? i.kcov_sites.at("main.o") : 0);
    return kExitOk;
}

}  // namespace

int cmd_kernel(const Args& args) {
    const auto specs = kernel_options();
    auto parsed = parse_args(args, specs);
    if (!parsed) return report_error("kernel", parsed.error());
    const auto& p = *parsed;
    if (p.has("help") || p.positionals.empty()) {
        print_kernel_help(specs);
        return p.has("help") ? kExitOk : kExitUsage;
    }
    const std::string& sub = p.positionals[0];
    std::vector<std::string> names(p.positionals.begin() + 1, p.positionals.end());

    if (sub == "list") {
        if (p.has("available")) return list_available(names, p.has("json"));
        if (!names.empty())
            return report_error("kernel list", usage_error("takes no NAME without --available (got '" + names.front() + "')"));
        return list_kernels(p.has("json"));
    }

    if (sub == "fetch") {
        if (names.empty()) names.push_back(std::string(mh::kernels::kDefaultKernel));
        // Every name first: a typo in the last one must not wait for the first one's download.
        auto is_set = [](const std::string& n) { return n.find('@') != std::string::npos || n.find(',') != std::string::npos; };
        for (const auto& name : names) {
            if (is_set(name)) {
                if (auto syntax = mh::kernels::check_kernel_set({name}); !syntax) return report_error("kernel fetch", syntax.error());
                continue;
            }
            if (mh::kernels::looks_like_path(name))
                return report_error("kernel fetch",
                                    usage_error("'" + name + "' is a path; a user's bzImage needs no fetch (use it directly)"));
            if (auto named = mh::kernels::check_kernel_name(name); !named) return report_error("kernel fetch", named.error());
        }
        // Kernel sets (debian-6.12-cloud@all) become their kernels: a matrix's kernels fetched ahead of it.
        std::vector<std::string> expanded;
        for (const auto& name : names) {
            if (!is_set(name)) {
                expanded.push_back(name);
                continue;
            }
            auto members = mh::kernels::expand_kernel_set({name}, mh::kernels::system_set_sources(install_interrupt_flag()));
            if (!members) return report_error("kernel fetch", members.error());
            for (const auto& m : *members)
                if (!m.user) expanded.push_back(m.name);
        }
        names = expanded;
        int rc = kExitOk;
        for (const auto& name : names) {
            mh::kernels::FetchOptions o;
            o.refresh = p.has("refresh");
            o.verbose = !p.has("quiet");
            o.interrupted = install_interrupt_flag();
            auto k = mh::kernels::fetch_kernel(name, o);
            if (!k && (k.error().kind == ErrorKind::kInterrupted || k.error().kind == ErrorKind::kStorage))
                return report_error("kernel fetch", k.error());
            if (!k) {
                rc = report_error(("kernel fetch " + name).c_str(), k.error());
                continue;
            }
            std::printf("%s\t%s\t%s\n", name.c_str(), k->release.c_str(), k->bzimage.string().c_str());
        }
        return rc;
    }

    if (sub == "build-fuzz") return build_fuzz(p, names);

    if (sub == "path" || sub == "info") {
        const std::string command = "kernel " + sub;
        if (names.size() != 1) return report_error(command.c_str(), usage_error("needs exactly one NAME (see --help)"));
        auto k = mh::kernels::resolve_kernel(names[0], /*fetch=*/false, p.get_or("build-tree", ""));
        if (!k) return report_error(command.c_str(), k.error());
        if (sub == "path") {
            std::printf("%s\n", k->bzimage.string().c_str());
        } else {
            print_info(*k);
        }
        return kExitOk;
    }

    return report_error("kernel", usage_error("unknown subcommand '" + sub + "' (fetch, list, path, info, build-fuzz; see --help)"));
}

}  // namespace mh::cli
