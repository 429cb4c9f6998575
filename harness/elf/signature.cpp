// Parsing and building of module signature trailers, mirroring kernel/module_signature.c's prechecks.
#include "harness/elf/signature.h"

#include "harness/elf/elf64.h"

#include <algorithm>
#include <cstring>

namespace mh::elf {

std::vector<uint8_t> encode_module_signature(const ModuleSignature& s) {
    std::vector<uint8_t> out = {s.algo,
                                s.hash,
                                s.id_type,
                                s.signer_len,
                                s.key_id_len,
                                s.pad[0],
                                s.pad[1],
                                s.pad[2],
                                static_cast<uint8_t>(s.sig_len >> 24),
                                static_cast<uint8_t>(s.sig_len >> 16),
                                static_cast<uint8_t>(s.sig_len >> 8),
                                static_cast<uint8_t>(s.sig_len)};
    return out;
}

std::string SignatureTrailer::precheck_errno() const {
    if (!has_info || !sig_len_ok) return "EBADMSG";
    if (info.id_type != kPkeyIdPkcs7) return "ENOPKG";
    if (!fields_zero) return "EBADMSG";
    return "";
}

std::optional<SignatureTrailer> find_signature(std::span<const uint8_t> image) {
    const size_t m = kSigMarker.size();
    if (image.size() <= m) return std::nullopt;
    if (std::memcmp(image.data() + image.size() - m, kSigMarker.data(), m) != 0) return std::nullopt;
    SignatureTrailer t;
    t.marker_offset = image.size() - m;
    if (t.marker_offset <= kModuleSignatureSize) return t;
    t.has_info = true;
    const uint8_t* p = image.data() + t.marker_offset - kModuleSignatureSize;
    t.info.algo = p[0];
    t.info.hash = p[1];
    t.info.id_type = p[2];
    t.info.signer_len = p[3];
    t.info.key_id_len = p[4];
    std::memcpy(t.info.pad, p + 5, 3);
    t.info.sig_len = (uint32_t{p[8]} << 24) | (uint32_t{p[9]} << 16) | (uint32_t{p[10]} << 8) | p[11];
    uint64_t before_info = t.marker_offset - kModuleSignatureSize;
    t.sig_len_ok = t.info.sig_len < before_info;
    t.fields_zero =
        !t.info.algo && !t.info.hash && !t.info.signer_len && !t.info.key_id_len && !t.info.pad[0] && !t.info.pad[1] && !t.info.pad[2];
    if (t.sig_len_ok) {
        t.signature_offset = before_info - t.info.sig_len;
        t.payload_size = t.signature_offset;
    }
    return t;
}

std::span<const uint8_t> strip_signature(std::span<const uint8_t> image) {
    auto t = find_signature(image);
    if (!t || !t->has_info || !t->sig_len_ok) return image;
    return image.first(t->payload_size);
}

std::vector<uint8_t> append_signature(std::span<const uint8_t> payload, std::span<const uint8_t> blob, ModuleSignature info,
                                      std::optional<uint32_t> sig_len_override) {
    info.sig_len = sig_len_override ? *sig_len_override : static_cast<uint32_t>(blob.size());
    std::vector<uint8_t> out(payload.begin(), payload.end());
    out.insert(out.end(), blob.begin(), blob.end());
    auto enc = encode_module_signature(info);
    out.insert(out.end(), enc.begin(), enc.end());
    append_chars(out, kSigMarker);
    return out;
}

}  // namespace mh::elf
