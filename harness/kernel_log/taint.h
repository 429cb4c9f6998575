// Taint decoding: /proc/sys/kernel/tainted masks as the kernel's letters, names and VM-restart policy.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "harness/common/expected.h"

namespace mh::kernel_log {

// One taint bit, as in kernel/panic.c taint_flags[] (bit numbers from include/linux/panic.h).
struct TaintFlag {
    unsigned bit;
    char letter;  // shown when the bit is set
    char letter_clear;  // shown when clear (only bit 0 has one: 'G')
    std::string_view name;  // TAINT_* name without the prefix, e.g. "DIE"
    std::string_view meaning;
};

// All 19 flags known to Linux 6.1 and 6.12 (TAINT_FLAGS_COUNT == 19), by bit.
std::span<const TaintFlag> taint_flags();

// The flag of `bit`, or nothing for bits this table does not know (future kernels).
std::optional<TaintFlag> taint_flag(unsigned bit);

// The kernel's print_tainted() string without the "Tainted: " prefix: one column per known
// flag, letter or blank (e.g. 0x3200 -> "G        W  OE     "), bit 0 shown as 'P' or 'G'.
std::string taint_columns(std::uint64_t mask);

// Only the set letters, in bit order, e.g. 0x3280 -> "DWOE"; "" for 0. Unknown bits show as
// '?' so they are never silently dropped.
std::string taint_letters(std::uint64_t mask);

// Bits set in `after` but not in `before`.
constexpr std::uint64_t taint_added(std::uint64_t before, std::uint64_t after) { return after & ~before; }

// A short human description of the bits `after` gained over `before`, e.g.
// "+D (DIE: kernel died, oops or BUG) +W (WARN: kernel issued a warning)"; "" when none.
std::string describe_taint_change(std::uint64_t before, std::uint64_t after);

// True when bits in `added` mean the kernel's state can no longer be trusted for further
// cases: D (oops/BUG), W (WARN), B (bad page), L (soft lockup), M (machine check),
// U/S/A/I are not (user- or platform-caused); module taints (P O E F C K X T N) are not.
// Unknown bits count as poisoning: when unsure, restart the VM.
bool is_poisoning_taint(std::uint64_t added);

// Parses the text of /proc/sys/kernel/tainted: a decimal number, surrounding blanks allowed.
Expected<std::uint64_t> parse_taint_text(std::string_view text);

}  // namespace mh::kernel_log
