// Turns host cases into a guest batch: resolved images, case lines, token, and the initramfs file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/session/host_case.h"

namespace mh::session {

using MalformFn = std::function<Expected<std::vector<uint8_t>>(const std::string& id, std::span<const uint8_t> image, uint64_t seed)>;

struct BatchInputs {
    std::filesystem::path executor;  // the static guest /init
    std::map<std::string, std::filesystem::path> seeds;  // "ok" -> .../mh_ok.ko
    MalformFn malform;  // applies a catalogue malformation
    std::function<bool(const std::string&)> known_malformation;  // id check (unknown ids are errors)
    // Compiler-free module for the kernel under test whose init returns `init_ret` (synth:RET[:NAME]).
    std::function<Expected<std::vector<uint8_t>>(int32_t init_ret, const std::string& name)> synth;
    // The guard token to put into the initramfs; empty: a fresh one. A snapshot cache's token
    // makes the initramfs of the same cases the same bytes in every run (vm/snapshot_cache.h).
    std::string token;
};

struct PreparedBatch {
    std::vector<HostCase> cases;  // guest.image / guest.module_name filled in
    std::string token;  // BatchInputs::token or random; also on the guest kernel command line
    std::filesystem::path initrd;
    size_t image_count = 0;  // distinct images in the initramfs
    uint64_t initrd_bytes = 0;
};

// Resolves every case's image (seed, file, malformations), deduplicates identical images, writes
// <work_dir>/initrd.cpio. A malformation that does not apply to its image sets the case's
// skip_reason (the case is not sent to the guest) instead of failing the batch. Also
// <work_dir>/initrd.cpio. Errors name the case (file:line) and the image.
Expected<PreparedBatch> build_batch(std::vector<HostCase> cases, const BatchInputs& inputs, const std::filesystem::path& work_dir);

}  // namespace mh::session
