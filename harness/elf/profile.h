// Kernel profile: what a compiler-free module synthesiser needs to know about one kernel build.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/elf/reader.h"

namespace mh::elf {

struct KernelProfile {
    std::string release;  // "6.1.0-56-cloud-amd64" (first word of vermagic)
    std::string vermagic;  // full vermagic= value, trailing space included
    uint64_t this_module_size = 0;  // sizeof(struct module) = sh_size of .gnu.linkonce.this_module
    uint64_t init_offset = 0;  // offsetof(struct module, init)
    uint64_t exit_offset = 0;  // offsetof(struct module, exit); 0 when unknown
    bool ibt = false;  // functions start with ENDBR64 (CONFIG_X86_KERNEL_IBT)
    bool rethunk = false;  // returns go through `jmp __x86_return_thunk` (CONFIG_RETHUNK)
    bool retpoline = false;  // modinfo carries retpoline=Y
    std::string source;  // file the profile was extracted from
    std::vector<VersionEntry> crcs;  // __versions entries of the reference module (module_layout, ...)

    // CRC for a symbol, if the reference module imported it.
    const VersionEntry* crc(std::string_view symbol) const;
};

// sizeof(struct module) is about 1 KiB on every kernel: a profile claiming more than this is
// corrupt, and would make the synthesiser allocate whatever it says.
inline constexpr uint64_t kMaxThisModuleSize = 64 * 1024;

// Extracts a profile from any module built for the kernel (plain, signed or compressed bytes).
Expected<KernelProfile> extract_profile(std::span<const uint8_t> image, std::string source_name);

// Line-based text form:  key value  (vermagic quoted), `crc NAME 0xHEX` lines. '#' starts a comment.
std::string profile_to_text(const KernelProfile& p);
Expected<KernelProfile> profile_from_text(std::string_view text);
Expected<KernelProfile> load_profile(const std::string& path);

}  // namespace mh::elf
