// Random hex from the kernel's random source: the guard token of one VM (random hex that the
// host writes into the initramfs (/mh/token) and onto the kernel command line
// (modharness.guest=); guest programs run only where both agree) and the seed each restored guest
// mixes into its entropy pool.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "harness/common/expected.h"

namespace mh::vm {

// Bytes of randomness in a token (it is twice as many hex characters).
inline constexpr size_t kGuestTokenBytes = 16;

// `bytes` bytes from `source` as lowercase hex: an error when it cannot be opened or read, or
// ends early (short randomness would be weak randomness, never a silent fallback). `what` names
// the use in the error ("guard token").
Expected<std::string> random_hex_from(const std::filesystem::path& source, size_t bytes, const std::string& what);

// `bytes` fresh bytes from /dev/urandom as hex.
Expected<std::string> random_hex(size_t bytes, const std::string& what);

// A fresh token from /dev/urandom, and one from `source` (tests).
Expected<std::string> guest_token();
Expected<std::string> guest_token_from(const std::filesystem::path& source);

}  // namespace mh::vm
