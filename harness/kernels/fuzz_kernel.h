// The KCOV+KASAN fuzzing kernels: built from Debian's linux-source-6.1 or -6.12, cached and registered like fetched kernels.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::kernels {

// The default fuzzing kernel (the line `fuzz` and `cover` use unless told otherwise).
inline constexpr std::string_view kFuzzKernelName = "fuzz-6.12";
inline constexpr std::string_view kDefaultFuzzLine = "6.12";
inline constexpr std::string_view kFuzzBuildInfoFile = "modharness-fuzz-build.json";

// One kernel line a fuzzing kernel is built from: Debian's linux-source-<line> package, its
// tarball, and corpus/kernel/fuzz-<line>.config. A line's kernel answers to fuzz-<line> (the
// most recent variant built wins) and to fuzz-<line>-nosig or fuzz-<line>-sig.
struct FuzzSource {
    std::string line;  // "6.1" or "6.12"
    std::string name() const { return "fuzz-" + line; }
    std::string variant_name(bool signing) const { return name() + (signing ? "-sig" : "-nosig"); }
    std::string package() const { return "linux-source-" + line; }
    std::filesystem::path tarball() const { return "/usr/src/" + package() + ".tar.xz"; }
    std::string tree_dir() const { return package(); }  // what the tarball unpacks to
};

// The lines build-fuzz knows (each has a fragment under corpus/kernel/), oldest first.
std::vector<std::string> fuzz_lines();
// The source of one line; a usage error naming the known lines otherwise.
Expected<FuzzSource> fuzz_source(std::string_view line);

struct FuzzBuildOptions {
    std::string line{kDefaultFuzzLine};  // which linux-source-<line> to build
    unsigned jobs = 2;  // make -j; the build runs under `nice -n 19`
    bool rebuild = false;  // throw the cached tree away and build from scratch
    bool signing = false;  // CONFIG_MODULE_SIG=y with a key kbuild generates
    bool verbose = true;  // progress lines and make's output on stderr
    std::filesystem::path fragment;  // empty: corpus/kernel/fuzz-<line>.config
    std::filesystem::path tarball;  // empty: /usr/src/linux-source-<line>.tar.xz
    std::chrono::seconds make_timeout{7200};
    // Ctrl-C: make's whole process group is killed and gone before the build lock is released.
    const std::atomic<bool>* interrupted = nullptr;
};

// What a build measured; also kept as modharness-fuzz-build.json beside the kernel record.
struct FuzzBuildInfo {
    std::string config_hash;
    bool signing = false;
    std::string release;
    double extract_seconds = 0;
    double build_seconds = 0;  // config + make, wall
    std::uintmax_t bzimage_bytes = 0;
    std::map<std::string, int> kcov_sites;  // kernel/module/<obj>.o -> __sanitizer_cov_trace_pc calls
    int kcov_sites_total() const;
    std::string built_at;  // UTC, ISO 8601
};

struct FuzzKernel {
    Kernel kernel;
    std::filesystem::path dir;  // <cache>/kernels/fuzz-<line>-<hash>
    FuzzBuildInfo info;
    bool built = false;  // false: taken from the cache as it was
};

// Builds (or returns the cached) fuzzing kernel. Errors name the missing tool/package or quote
// the tail of make's output.
Expected<FuzzKernel> build_fuzz_kernel(const FuzzBuildOptions& options);

// ---- Below: the pure pieces, for the CLI and tests. ----

// corpus/kernel/fuzz-<line>.config of this checkout (beside corpus_modules_dir()).
std::filesystem::path default_fuzz_fragment_path(std::string_view line = kDefaultFuzzLine);

// The fragment actually merged: the base fragment plus the variant's lines (signing, a
// LOCALVERSION that makes the release say what it is, so its seeds get their own cache).
std::string fuzz_fragment(std::string_view base_fragment, bool signing);

// The release suffix of a variant: "-mhfuzz" or "-mhfuzz-sig".
std::string fuzz_local_version(bool signing);

// Hex FNV-1a/64 over the recipe version, the merged fragment and the source's identity (package
// version, tarball size and mtime): equal hashes mean the cached kernel is the one we would build.
std::string fuzz_config_hash(std::string_view merged_fragment, std::string_view source_identity);

struct MakefileEdit {
    std::string text;
    bool changed = false;  // false: the exclusion was already gone (a resumed build)
};
// Drops `KCOV_INSTRUMENT_main.o := n` from kernel/module/Makefile text (leaving a comment that
// says why). An error when the line is absent and our marker too: the source is not what this
// recipe knows, and a loader silently left uninstrumented would make every coverage number wrong.
Expected<MakefileEdit> remove_kcov_exclusion(std::string_view makefile_text);

// Options of `fragment` whose value in the final `config` differs ("CONFIG_X: wanted y, got n"),
// absent options counting as "n" on both sides. Non-empty after olddefconfig means a dependency
// dropped something the fuzzing kernel needs.
std::vector<std::string> config_mismatches(const std::map<std::string, std::string>& fragment,
                                           const std::map<std::string, std::string>& config);

// Calls to `symbol` in `objdump -dr` output of a relocatable object: each call site carries one
// relocation against the symbol (the call's own operand is 0 before linking, so the relocation,
// not the disassembled target, names it).
int count_call_sites(std::string_view objdump_text, std::string_view symbol);

// __sanitizer_cov_trace_pc call sites per object in <tree>/kernel/module (objdump -dr).
Expected<std::map<std::string, int>> count_kcov_sites(const std::filesystem::path& tree);

// The built loader objects of a tree: <tree>/kernel/module/*.o, sorted. Error when the directory
// cannot be listed or holds none (the kernel is not built).
Expected<std::vector<std::filesystem::path>> loader_objects(const std::filesystem::path& tree);

// Standard output of a binutils command on a built kernel (objdump, addr2line): never cut (a
// KASAN-inline disassembly is tens of MB); errors name the command, its status and stderr's tail.
Expected<std::string> binutils_output(const std::vector<std::string>& argv);

std::string fuzz_build_info_to_json(const FuzzBuildInfo& info);
Expected<FuzzBuildInfo> fuzz_build_info_from_json(const std::string& text);

}  // namespace mh::kernels
