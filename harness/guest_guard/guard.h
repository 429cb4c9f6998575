// The safety guard: the executor runs only as PID 1 of a harness VM, never on a real machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mh::executor {

// Kernel command-line word that marks a harness VM; its value must equal the initramfs token.
inline constexpr std::string_view kGuestTokenKey = "modharness.guest=";
// Where the host puts the token inside the initramfs.
inline constexpr const char* kTokenPath = "/mh/token";

struct GuardFacts {
    long pid = 0;
    std::optional<std::string> token;  // contents of kTokenPath, if readable
    std::optional<std::string> cmdline;  // /proc/cmdline, if readable
    uint64_t root_fs_magic = 0;  // statfs("/").f_type
};

// nullopt = allowed; otherwise the reason for refusing. Pure, so tests cover every branch.
std::optional<std::string> refusal_reason(const GuardFacts& facts);

// Value of `key` (e.g. "modharness.start=") in a kernel command line.
std::optional<std::string> cmdline_value(std::string_view cmdline, std::string_view key);

}  // namespace mh::executor
