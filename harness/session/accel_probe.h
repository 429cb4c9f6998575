// Chooses the accelerator: KVM only if a guest really boots on it within a bound, else TCG.
#pragma once

#include <filesystem>
#include <string>

#include "harness/common/expected.h"
#include "harness/vm/qemu_argv.h"

namespace mh::session {

struct AccelDecision {
    vm::Accel accel = vm::Accel::Tcg;
    std::string reason;  // "KVM guest booted in 0.8 s", "/dev/kvm not accessible", ...
    bool from_cache = false;
};

// Probes once per (kernel image, QEMU binary) and caches the answer under <cache>/accel/.
// A probe is a one-case batch booted with -accel kvm and a short boot timeout.
AccelDecision decide_accel(const std::filesystem::path& kernel, const std::filesystem::path& executor, const std::string& qemu,
                           bool use_cache = true);

// "auto" | "tcg" | "kvm"
Expected<AccelDecision> accel_from_option(const std::string& option, const std::filesystem::path& kernel,
                                          const std::filesystem::path& executor, const std::string& qemu);

}  // namespace mh::session
