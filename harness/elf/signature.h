// Module signature trailer: `<payload><signature blob><struct module_signature>~Module signature appended~\n`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::elf {

inline constexpr std::string_view kSigMarker = "~Module signature appended~\n";  // 28 bytes
inline constexpr size_t kModuleSignatureSize = 12;
inline constexpr uint8_t kPkeyIdPkcs7 = 2;

// include/linux/module_signature.h; sig_len is big-endian on disk.
struct ModuleSignature {
    uint8_t algo = 0, hash = 0, id_type = kPkeyIdPkcs7, signer_len = 0, key_id_len = 0;
    uint8_t pad[3] = {0, 0, 0};
    uint32_t sig_len = 0;
};
std::vector<uint8_t> encode_module_signature(const ModuleSignature& s);

// What the kernel's module_sig_check/mod_check_sig would see, without verifying the PKCS#7.
struct SignatureTrailer {
    uint64_t marker_offset = 0;  // image size - 28: length seen by the kernel after the marker strip
    bool has_info = false;  // >= 12 bytes before the marker (else the kernel says EBADMSG)
    ModuleSignature info;
    bool sig_len_ok = false;  // sig_len < marker_offset - 12 (mod_check_sig)
    bool fields_zero = false;  // algo/hash/signer_len/key_id_len/pad all zero
    uint64_t signature_offset = 0;  // start of the PKCS#7 blob when sig_len_ok
    uint64_t payload_size = 0;  // bytes before the blob: the ELF image proper, when sig_len_ok
    // The kernel's verdict before PKCS#7 parsing, as an errno name ("", "EBADMSG", "ENOPKG").
    std::string precheck_errno() const;
};

// nullopt when the image does not end with the marker or is not longer than the marker (as the kernel).
std::optional<SignatureTrailer> find_signature(std::span<const uint8_t> image);
// The image without its trailer (the whole image when unsigned or the trailer is malformed).
std::span<const uint8_t> strip_signature(std::span<const uint8_t> image);
// Appends blob + info (sig_len set from blob unless override given) + marker.
std::vector<uint8_t> append_signature(std::span<const uint8_t> payload, std::span<const uint8_t> blob, ModuleSignature info,
                                      std::optional<uint32_t> sig_len_override = std::nullopt);

}  // namespace mh::elf
