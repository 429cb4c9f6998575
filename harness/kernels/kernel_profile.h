// The synthesis profile of a kernel under test: from corpus/profiles, else from one of its modules.
#pragma once

#include <filesystem>

#include "harness/common/expected.h"
#include "harness/elf/profile.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::kernels {

// corpus/profiles/debian-<release>.profile if committed; otherwise extracted from the first
// module (.ko, .ko.xz) under the kernel's lib/modules tree. Errors say which were tried.
Expected<elf::KernelProfile> profile_for_kernel(const Kernel& k);

// corpus/profiles of this checkout ($MH_PROFILES_DIR overrides).
std::filesystem::path corpus_profiles_dir();

}  // namespace mh::kernels
