// Trailer rows: signature trailers (contract §2.6/§3.5), truncation, trailing junk, compression wrappers.
#include <algorithm>

#include "harness/elf/malform/rows.h"

namespace mh::elf::malform {

ApplyFn sig_marker_only() {
    return [](std::span<const uint8_t>, uint64_t) -> Expected<Bytes> { return bytes_of(kSigMarker); };
}

ApplyFn sig_short_info() {
    return [](std::span<const uint8_t>, uint64_t seed) -> Expected<Bytes> {
        Rng rng(seed);
        Bytes out(1 + rng.below(kModuleSignatureSize), 0);
        for (auto& b : out) b = static_cast<uint8_t>(rng.next());
        append_chars(out, kSigMarker);
        return out;
    };
}

ApplyFn sig_append(std::function<void(Rng&, ModuleSignature&, Bytes& blob, std::span<const uint8_t> payload)> shape,
                   bool sig_len_from_blob) {
    return [shape, sig_len_from_blob](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto img = payload(image);
        Rng rng(seed);
        ModuleSignature sig;
        Bytes blob(64 + rng.below(192));
        for (auto& b : blob) b = static_cast<uint8_t>(rng.next());
        sig.sig_len = static_cast<uint32_t>(blob.size());
        shape(rng, sig, blob, img);
        if (sig_len_from_blob) return append_signature(img, blob, sig);
        return append_signature(img, blob, sig, sig.sig_len);
    };
}

VerifyFn verify_sig(std::function<Status(const SignatureTrailer&)> check) {
    return [check](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        auto img = payload(before);
        if (after.size() < img.size() || !std::equal(img.begin(), img.end(), after.begin()))
            return make_error("the module bytes before the trailer changed");
        auto t = find_signature(after);
        if (!t) return make_error("no signature marker at the end");
        return check(*t);
    };
}

ApplyFn sig_payload_modified() {
    return [](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto t = find_signature(image);
        if (!t || !t->sig_len_ok || t->payload_size < kEhdrSize) return make_error("image carries no well-formed signature");
        Rng rng(seed);
        Bytes out(image.begin(), image.end());
        // A byte in the ELF header padding area that the ELF checks ignore (e_ident[EI_PAD..]),
        // so only the signature verification can notice.
        out[kEiPad + rng.below(16 - kEiPad)] ^= 0x01;
        return out;
    };
}

VerifyFn verify_sig_payload_modified() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        MH_TRY(changed_only_within(before, after, {{kEiPad, 16 - kEiPad}}));
        if (!find_signature(after)) return make_error("signature trailer lost");
        return ok_status();
    };
}

ApplyFn truncate_row(std::function<Expected<uint64_t>(std::span<const uint8_t>, Rng&)> new_size) {
    return [new_size](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto img = payload(image);
        Rng rng(seed);
        MH_TRY_ASSIGN(n, new_size(img, rng));
        if (n >= img.size())
            return make_error("image is already " + std::to_string(img.size()) + " bytes, cannot cut to " + std::to_string(n));
        return Bytes(img.begin(), img.begin() + static_cast<long>(n));
    };
}

VerifyFn verify_truncated() {
    return [](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        auto img = payload(before);
        if (after.size() >= img.size()) return make_error("not shorter");
        if (!std::equal(after.begin(), after.end(), img.begin())) return make_error("not a prefix of the module");
        return ok_status();
    };
}

ApplyFn append_row(std::function<Bytes(std::span<const uint8_t>, Rng&)> tail, bool keep_signature) {
    return [tail, keep_signature](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        auto img = keep_signature ? image : payload(image);
        Rng rng(seed);
        Bytes out(img.begin(), img.end());
        Bytes t = tail(img, rng);
        out.insert(out.end(), t.begin(), t.end());
        return out;
    };
}

VerifyFn verify_appended_tail(bool keep_signature) {
    return [keep_signature](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        auto img = keep_signature ? before : payload(before);
        if (after.size() <= img.size()) return make_error("nothing appended");
        if (!std::equal(img.begin(), img.end(), after.begin())) return make_error("module bytes changed");
        return ok_status();
    };
}

ApplyFn wrap(Compression c, WrapMode mode, XzCheck check) {
    return [c, mode, check](std::span<const uint8_t> image, uint64_t seed) -> Expected<Bytes> {
        MH_TRY_ASSIGN(z, compress(image, c, check));
        Rng rng(seed);
        switch (mode) {
            case WrapMode::valid: break;
            case WrapMode::truncated: z.resize(z.size() / 2 + rng.below(z.size() / 2)); break;
            case WrapMode::corrupt: {
                // Past the stream header, before the footer: the integrity check or the decoder fails.
                size_t lo = std::min<size_t>(16, z.size() / 4), hi = z.size() > 24 ? z.size() - 16 : z.size();
                z[lo + rng.below(hi - lo)] ^= static_cast<uint8_t>(1u << rng.below(8));
                break;
            }
            case WrapMode::trailing_junk:
                for (size_t i = 0; i < 16; ++i) z.push_back(static_cast<uint8_t>(0x41 + rng.below(26)));
                break;
        }
        return z;
    };
}

VerifyFn verify_wrap(Compression c, WrapMode mode) {
    return [c, mode](std::span<const uint8_t> before, std::span<const uint8_t> after, uint64_t) -> Status {
        if (detect_compression(after) != c) return make_error("output is not a " + std::string(compression_name(c)) + " stream");
        auto plain = decompress(after);
        if (mode == WrapMode::valid) {
            if (!plain) return plain.error();
            if (!std::equal(plain->begin(), plain->end(), before.begin(), before.end())) return make_error("round trip differs");
            return ok_status();
        }
        if (mode == WrapMode::trailing_junk) return ok_status();  // liblzma/zlib/zstd may or may not accept the junk
        if (plain && std::equal(plain->begin(), plain->end(), before.begin(), before.end()))
            return make_error("broken stream still decodes to the module");
        return ok_status();
    };
}

}  // namespace mh::elf::malform
