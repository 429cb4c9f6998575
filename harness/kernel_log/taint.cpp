// Taint decoding: /proc/sys/kernel/tainted masks as the kernel's letters, names and VM-restart policy.
#include "harness/kernel_log/taint.h"

namespace mh::kernel_log {
namespace {

constexpr TaintFlag kTaintFlags[] = {
    {0, 'P', 'G', "PROPRIETARY_MODULE", "proprietary module loaded"},
    {1, 'F', ' ', "FORCED_MODULE", "module force-loaded"},
    {2, 'S', ' ', "CPU_OUT_OF_SPEC", "CPU out of specification"},
    {3, 'R', ' ', "FORCED_RMMOD", "module force-unloaded"},
    {4, 'M', ' ', "MACHINE_CHECK", "machine check exception"},
    {5, 'B', ' ', "BAD_PAGE", "bad page referenced or unexpected page flags"},
    {6, 'U', ' ', "USER", "taint requested by user space"},
    {7, 'D', ' ', "DIE", "kernel died, oops or BUG"},
    {8, 'A', ' ', "OVERRIDDEN_ACPI_TABLE", "ACPI table overridden"},
    {9, 'W', ' ', "WARN", "kernel issued a warning"},
    {10, 'C', ' ', "CRAP", "staging driver loaded"},
    {11, 'I', ' ', "FIRMWARE_WORKAROUND", "platform firmware bug worked around"},
    {12, 'O', ' ', "OOT_MODULE", "out-of-tree module loaded"},
    {13, 'E', ' ', "UNSIGNED_MODULE", "unsigned module loaded"},
    {14, 'L', ' ', "SOFTLOCKUP", "soft lockup occurred"},
    {15, 'K', ' ', "LIVEPATCH", "kernel live patched"},
    {16, 'X', ' ', "AUX", "auxiliary taint (distribution-defined)"},
    {17, 'T', ' ', "RANDSTRUCT", "built with struct randomization plugin"},
    {18, 'N', ' ', "TEST", "in-kernel test module loaded"},
};

constexpr unsigned kKnownBits = sizeof(kTaintFlags) / sizeof(kTaintFlags[0]);

// Bits after which the running kernel is suspect: it oopsed, warned, lost track of memory,
// locked up or saw hardware errors. The half-loaded-module and stuck-mutex failure modes in
// DESIGN.md all come with one of these.
constexpr std::uint64_t kPoisoningKnown = (1ull << 4) | (1ull << 5) | (1ull << 7) | (1ull << 9) | (1ull << 14);
constexpr std::uint64_t kKnownMask = (1ull << kKnownBits) - 1;

}  // namespace

std::span<const TaintFlag> taint_flags() { return kTaintFlags; }

std::optional<TaintFlag> taint_flag(unsigned bit) {
    if (bit >= kKnownBits) return std::nullopt;
    return kTaintFlags[bit];
}

std::string taint_columns(std::uint64_t mask) {
    std::string out;
    for (const TaintFlag& f : kTaintFlags) out.push_back((mask >> f.bit) & 1u ? f.letter : f.letter_clear);
    return out;
}

std::string taint_letters(std::uint64_t mask) {
    std::string out;
    for (unsigned bit = 0; bit < 64; ++bit) {
        if (!((mask >> bit) & 1u)) continue;
        out.push_back(bit < kKnownBits ? kTaintFlags[bit].letter : '?');
    }
    return out;
}

std::string describe_taint_change(std::uint64_t before, std::uint64_t after) {
    std::uint64_t added = taint_added(before, after);
    std::string out;
    for (unsigned bit = 0; bit < 64; ++bit) {
        if (!((added >> bit) & 1u)) continue;
        if (!out.empty()) out += ' ';
        if (bit < kKnownBits) {
            const TaintFlag& f = kTaintFlags[bit];
            out += '+';
            out += f.letter;
            out += " (";
            out += f.name;
            out += ": ";
            out += f.meaning;
            out += ')';
        } else {
            out += "+bit" + std::to_string(bit) + " (unknown taint)";
        }
    }
    return out;
}

bool is_poisoning_taint(std::uint64_t added) { return (added & kPoisoningKnown) != 0 || (added & ~kKnownMask) != 0; }

Expected<std::uint64_t> parse_taint_text(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    std::size_t start = i;
    std::uint64_t value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        auto digit = static_cast<std::uint64_t>(text[i] - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return make_error("tainted: value '" + std::string(text.substr(start, 32)) + "' exceeds 64 bits");
        value = value * 10 + digit;
        ++i;
    }
    if (i == start) return make_error("tainted: expected a decimal number, got '" + std::string(text.substr(0, 32)) + "'");
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    if (i != text.size()) return make_error("tainted: trailing bytes after the number at offset " + std::to_string(i));
    return value;
}

}  // namespace mh::kernel_log
