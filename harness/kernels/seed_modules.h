// Seed modules (corpus/modules/*): built against a kernel's headers at run time and cached per release.
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

struct SeedSet {
    std::filesystem::path dir;  // <cache>/seeds/<release>
    std::map<std::string, std::filesystem::path> modules;  // "ok" -> .../mh_ok.ko
};

// One row of the seed catalogue (a const table).
struct SeedInfo {
    std::string_view name;  // "ok"; what callers ask for
    std::string_view module;  // "mh_ok"; the kernel's module name, the .ko stem
    std::string_view summary;
    bool fault;  // panics/oopses/warns/hangs the kernel: for monitor tests only
};
const std::vector<SeedInfo>& seed_catalogue();

// Every catalogue seed (fault seeds included); `big` at its default size.
std::vector<std::string> default_seed_names();

inline constexpr std::uint64_t kDefaultBigBytes = 1u << 20;  // `big`: 1 MiB
inline constexpr std::uint64_t kMaxBigBytes = 1ull << 30;  // sanity bound for big_<N>

// A seed request made concrete: catalogue names, or big_<size> variants ("big_64m").
struct SeedSpec {
    std::string name;  // as asked: "big_64m"
    std::string source_dir;  // directory under corpus/modules: "big"
    std::string module;  // "mh_big_64m"
    std::uint64_t big_bytes = 0;  // payload size, only for big
};
Expected<SeedSpec> parse_seed_name(const std::string& name);

// "64M", "64m", "1MiB", "512k", "1g", "4096" -> bytes.
Expected<std::uint64_t> parse_size(std::string_view text);
// The variant name for a payload size: 64 MiB -> "big_64m", 1536 -> "big_1536".
std::string big_seed_name(std::uint64_t bytes);

// corpus/modules of this checkout ($MH_CORPUS_DIR overrides, for relocated sources).
std::filesystem::path corpus_modules_dir();

// Hex FNV-1a/64 over the seed's source files (names + bytes), its build parameters and
// `extra` (e.g. the build tree's identity): the part of the cache key that makes edits rebuild.
Expected<std::string> seed_source_hash(const std::filesystem::path& source_dir, const SeedSpec& spec, std::string_view extra);

// Writes `bytes` of deterministic, incompressible pseudo-random data (xz/zstd cannot shrink it,
// so compressed-module cases keep their size).
Status write_blob(const std::filesystem::path& path, std::uint64_t bytes);

// Checks a built module: ET_REL ELF, .gnu.linkonce.this_module present, modinfo name matching,
// vermagic starting with `release` (when known), and for big the payload as PROGBITS.
Status verify_seed_module(const std::filesystem::path& ko, const SeedSpec& spec, const std::string& release);

struct SeedBuildOptions {
    bool verbose = false;  // echo make's output
    std::filesystem::path source_root;  // empty: corpus_modules_dir()
    std::chrono::seconds make_timeout{900};  // per module
    unsigned jobs = 2;  // makes run at once (one per module dir)
    const std::atomic<bool>* interrupted = nullptr;  // Ctrl-C: make's process group is killed
};

// Builds (or returns cached) seed modules for kernel k under <cache>/seeds/<release>/, one make
// per module dir. names empty = default_seed_names(). Errors carry the tail of make's output.
Expected<SeedSet> build_seed_modules(const Kernel& k, const std::vector<std::string>& names, bool verbose);
Expected<SeedSet> build_seed_modules(const Kernel& k, const std::vector<std::string>& names, const SeedBuildOptions& options);

}  // namespace mh::kernels
