// liblzma / zlib / libzstd glue for module compression wrappers; all failures are values.
#include "harness/elf/compression.h"

#include "harness/common/files.h"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

namespace mh::elf {

std::string_view compression_name(Compression c) {
    switch (c) {
        case Compression::none: return "none";
        case Compression::xz: return "xz";
        case Compression::gzip: return "gzip";
        case Compression::zstd: return "zstd";
    }
    return "?";
}

Compression detect_compression(std::span<const uint8_t> b) {
    static constexpr uint8_t xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
    if (b.size() >= 6 && std::equal(std::begin(xz), std::end(xz), b.begin())) return Compression::xz;
    if (b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) return Compression::gzip;
    if (b.size() >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) return Compression::zstd;
    return Compression::none;
}

namespace {

std::string too_big(uint64_t max) { return "decompressed output exceeds the limit of " + std::to_string(max) + " bytes"; }

Expected<std::vector<uint8_t>> unxz(std::span<const uint8_t> in, uint64_t max) {
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) return make_error("xz: decoder init failed");
    std::vector<uint8_t> out;
    uint8_t buf[1 << 16];
    s.next_in = in.data();
    s.avail_in = in.size();
    lzma_ret r = LZMA_OK;
    while (true) {
        s.next_out = buf;
        s.avail_out = sizeof buf;
        r = lzma_code(&s, LZMA_FINISH);
        out.insert(out.end(), buf, buf + (sizeof buf - s.avail_out));
        if (out.size() > max) {
            lzma_end(&s);
            return make_error("xz: " + too_big(max));
        }
        if (r != LZMA_OK) break;
    }
    uint64_t consumed = s.total_in;
    lzma_end(&s);
    if (r != LZMA_STREAM_END)
        return make_error("xz: stream error " + std::to_string(static_cast<int>(r)) + " after " + std::to_string(consumed) + " of " +
                          std::to_string(in.size()) + " input bytes (truncated or corrupt)");
    return out;
}

Expected<std::vector<uint8_t>> gunzip(std::span<const uint8_t> in, uint64_t max) {
    z_stream s{};
    if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) return make_error("gzip: inflate init failed");
    std::vector<uint8_t> out;
    uint8_t buf[1 << 16];
    s.next_in = const_cast<Bytef*>(in.data());
    s.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
    int r = Z_OK;
    while (true) {
        s.next_out = buf;
        s.avail_out = sizeof buf;
        r = inflate(&s, Z_NO_FLUSH);
        out.insert(out.end(), buf, buf + (sizeof buf - s.avail_out));
        if (out.size() > max) {
            inflateEnd(&s);
            return make_error("gzip: " + too_big(max));
        }
        if (r != Z_OK) break;
        if (s.avail_in == 0 && s.avail_out != 0) break;  // input exhausted before the stream end
    }
    uint64_t consumed = s.total_in;
    inflateEnd(&s);
    if (r != Z_STREAM_END)
        return make_error("gzip: stream error " + std::to_string(r) + " after " + std::to_string(consumed) + " of " +
                          std::to_string(in.size()) + " input bytes (truncated or corrupt)");
    return out;
}

Expected<std::vector<uint8_t>> unzstd(std::span<const uint8_t> in, uint64_t max) {
    ZSTD_DStream* d = ZSTD_createDStream();
    if (!d) return make_error("zstd: decoder init failed");
    std::vector<uint8_t> out;
    std::vector<uint8_t> buf(ZSTD_DStreamOutSize());
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    size_t last = 1;
    while (true) {
        ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
        last = ZSTD_decompressStream(d, &ob, &ib);
        if (ZSTD_isError(last)) {
            std::string msg = ZSTD_getErrorName(last);
            ZSTD_freeDStream(d);
            return make_error("zstd: " + msg + " at input byte " + std::to_string(ib.pos));
        }
        out.insert(out.end(), buf.data(), buf.data() + ob.pos);
        if (out.size() > max) {
            ZSTD_freeDStream(d);
            return make_error("zstd: " + too_big(max));
        }
        if (last == 0 && ib.pos == ib.size) break;
        if (ib.pos == ib.size && ob.pos < ob.size) break;  // needs more input than there is
    }
    ZSTD_freeDStream(d);
    if (last != 0) return make_error("zstd: stream truncated (" + std::to_string(in.size()) + " input bytes)");
    return out;
}

}  // namespace

Expected<std::vector<uint8_t>> decompress(std::span<const uint8_t> bytes, uint64_t max_output) {
    switch (detect_compression(bytes)) {
        case Compression::xz: return unxz(bytes, max_output);
        case Compression::gzip: return gunzip(bytes, max_output);
        case Compression::zstd: return unzstd(bytes, max_output);
        case Compression::none: break;
    }
    return make_error("decompress: input (" + std::to_string(bytes.size()) + " bytes) has no xz, gzip or zstd magic");
}

Expected<std::vector<uint8_t>> compress(std::span<const uint8_t> bytes, Compression c, XzCheck check) {
    switch (c) {
        case Compression::none: return std::vector<uint8_t>(bytes.begin(), bytes.end());
        case Compression::xz: {
            lzma_check lc = check == XzCheck::none     ? LZMA_CHECK_NONE
                            : check == XzCheck::crc64  ? LZMA_CHECK_CRC64
                            : check == XzCheck::sha256 ? LZMA_CHECK_SHA256
                                                       : LZMA_CHECK_CRC32;
            std::vector<uint8_t> out(lzma_stream_buffer_bound(bytes.size()));
            size_t pos = 0;
            lzma_ret r = lzma_easy_buffer_encode(6, lc, nullptr, bytes.data(), bytes.size(), out.data(), &pos, out.size());
            if (r != LZMA_OK) return make_error("xz: encode failed with " + std::to_string(static_cast<int>(r)));
            out.resize(pos);
            return out;
        }
        case Compression::gzip: {
            z_stream s{};
            if (deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return make_error("gzip: deflate init failed");
            std::vector<uint8_t> out(deflateBound(&s, static_cast<uLong>(bytes.size())) + 32);
            s.next_in = const_cast<Bytef*>(bytes.data());
            s.avail_in = static_cast<uInt>(bytes.size());
            s.next_out = out.data();
            s.avail_out = static_cast<uInt>(out.size());
            int r = deflate(&s, Z_FINISH);
            out.resize(s.total_out);
            deflateEnd(&s);
            if (r != Z_STREAM_END) return make_error("gzip: deflate failed with " + std::to_string(r));
            return out;
        }
        case Compression::zstd: {
            std::vector<uint8_t> out(ZSTD_compressBound(bytes.size()));
            size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 19);
            if (ZSTD_isError(n)) return make_error(std::string("zstd: ") + ZSTD_getErrorName(n));
            out.resize(n);
            return out;
        }
    }
    return make_error("compress: unknown compression");
}

Expected<std::vector<uint8_t>> load_module_file(const std::string& path) {
    MH_TRY_ASSIGN(bytes, read_file_bytes(path));
    if (detect_compression(bytes) == Compression::none) return bytes;
    auto plain = decompress(bytes);
    if (!plain) return make_error(path + ": " + plain.error().message);
    return std::move(plain).value();
}

}  // namespace mh::elf
