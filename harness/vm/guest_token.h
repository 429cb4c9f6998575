// The guard token of one VM: random hex that the host writes into the initramfs (/mh/token) and
// onto the kernel command line (modharness.guest=); guest programs run only where both agree.
#pragma once

#include <filesystem>
#include <string>

#include "harness/common/expected.h"

namespace mh::vm {

// Bytes of randomness in a token (it is twice as many hex characters).
inline constexpr size_t kGuestTokenBytes = 16;

// A fresh token from /dev/urandom.
Expected<std::string> guest_token();

// A token from `source`: an error when it cannot be opened or read, or ends before
// kGuestTokenBytes bytes (a short token would be a weak one, never a silent fallback).
Expected<std::string> guest_token_from(const std::filesystem::path& source);

}  // namespace mh::vm
