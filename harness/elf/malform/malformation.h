// The malformation catalogue: one table of named, deterministic ways to break a module image.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"
#include "harness/elf/compression.h"

namespace mh::elf {

using Bytes = std::vector<uint8_t>;
// Deterministic given (image, seed). Structural malformations work on the image without its
// signature trailer (a modified image would otherwise fail signature checks first).
using ApplyFn = std::function<Expected<Bytes>(std::span<const uint8_t> image, uint64_t seed)>;
// Proves the claimed change: `after` = apply(before, seed). Used by the unit tests.
using VerifyFn = std::function<Status(std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t seed)>;

struct Malformation {
    std::string_view id;  // stable kebab-case name, e.g. "ehdr-bad-magic"
    std::string_view intent;  // one line: what is changed and why it matters
    std::string_view contract_id;  // contract.md §3 row it targets ("E1", "S3", "M15", "B7", "G4"; "fuzz")
    std::vector<std::string_view> tags;
    // Non-none: the output is a compressed stream meant for finit_module(MODULE_INIT_COMPRESSED_FILE).
    Compression wrapper = Compression::none;
    bool needs_signed_input = false;  // applies only to images carrying a signature trailer
    ApplyFn apply;
    VerifyFn verify;

    bool compressed() const { return wrapper != Compression::none; }
    bool has_tag(std::string_view t) const;
};

// The catalogue, in a stable order (ids never change meaning; new rows are appended).
const std::vector<Malformation>& malformation_catalogue();
const Malformation* find_malformation(std::string_view id);
Expected<Bytes> apply_malformation(std::string_view id, std::span<const uint8_t> image, uint64_t seed);
// Applies several in order, each to the previous output, with seeds derived from `seed`.
Expected<Bytes> apply_malformations(const std::vector<std::string>& ids, std::span<const uint8_t> image, uint64_t seed);

// For fuzzers: picks a malformation by seed (wrappers and signed-only rows excluded unless asked)
// and applies it; falls back to a generic byte mutator when the chosen one does not apply.
struct MutateOptions {
    bool structural = true;  // header/section/symbol/relocation/special-section rows
    bool generic = true;  // byte-level rows (tag "generic")
    bool trailers = true;  // signature, truncation, junk rows
    bool wrappers = false;  // compression rows
};
Expected<Bytes> mutate(std::span<const uint8_t> image, uint64_t seed, MutateOptions options = {});

// Catalogue as JSON lines-free formats for docs and tools.
std::string catalogue_markdown();
std::string catalogue_json();

}  // namespace mh::elf
