// The harness-VM guard: every guest program (the executor, the fuzz engines, the guest bench, the
// C reproducers) runs only inside a modharness VM, never on a real machine. The facts are the
// same for all: PID 1 is /init, the root filesystem is an initramfs, and the token the host put in
// the initramfs is echoed on the kernel command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mh::guest_guard {

// Kernel command-line word that marks a harness VM; its value must equal the initramfs token.
inline constexpr std::string_view kGuestTokenKey = "modharness.guest=";
// Where the host puts the token inside the initramfs.
inline constexpr const char* kTokenPath = "/mh/token";
// A token shorter than this is no token (the host writes 32 hex characters).
inline constexpr size_t kMinTokenLength = 16;
// The program PID 1 must be (the kernel starts the initramfs's /init with this argv[0]).
inline constexpr std::string_view kInitPath = "/init";
// statfs("/").f_type of an initramfs: ramfs, or tmpfs when the kernel unpacks into one.
inline constexpr uint64_t kRamfsMagic = 0x858458f6;
inline constexpr uint64_t kTmpfsMagic = 0x01021994;

struct GuardFacts {
    long pid = 0;  // ours; a descendant of the harness /init counts as 1 when PID 1 is /init
    std::optional<std::string> token;  // contents of kTokenPath, if readable
    std::optional<std::string> cmdline;  // /proc/cmdline, if readable
    uint64_t root_fs_magic = 0;  // statfs("/").f_type
};

// nullopt = allowed; otherwise the reason for refusing. Pure, so tests cover every branch.
std::optional<std::string> refusal_reason(const GuardFacts& facts);

// Value of `key` (e.g. "modharness.start=") in a kernel command line.
std::optional<std::string> cmdline_value(std::string_view cmdline, std::string_view key);

}  // namespace mh::guest_guard
