// The initramfs of one kernel's bench VMs: the guest bench as /init, the module store as an ext4
// image for a brd RAM disk, the kernel's own brd.ko, the manifest and the run token.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/runner/bench_plan.h"
#include "harness/common/expected.h"
#include "harness/kernels/kernel_cache.h"

namespace mh::bench {

// The guest bench binary: $MH_GUEST_BENCH, else where this build put it.
std::filesystem::path guest_bench_binary();

// Builds <work>/initrd.cpio (uncompressed) from <work>/store and keeps the manifest as
// <work>/bench.conf. Rejection inputs that could not be made are noted in `notes`.
Expected<std::filesystem::path> prepare_initrd(const kernels::Kernel& k, const Plan& plan, const std::filesystem::path& work,
                                               const std::string& token, std::vector<std::string>& notes,
                                               const std::function<void(const std::string&)>& progress);

}  // namespace mh::bench
