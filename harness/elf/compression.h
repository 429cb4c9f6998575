// Transparent .ko.xz / .ko.gz / .ko.zst handling: detect, decompress (bounded), compress.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::elf {

enum class Compression { none, xz, gzip, zstd };

std::string_view compression_name(Compression c);  // "none", "xz", "gzip", "zstd"
// By magic bytes: xz FD 37 7A 58 5A 00, gzip 1F 8B, zstd 28 B5 2F FD.
Compression detect_compression(std::span<const uint8_t> bytes);

// Decompresses a complete stream; error on truncated/corrupt input or output above max_output.
inline constexpr uint64_t kDefaultMaxDecompressed = 1ull << 30;
Expected<std::vector<uint8_t>> decompress(std::span<const uint8_t> bytes, uint64_t max_output = kDefaultMaxDecompressed);

// xz integrity check to write. The kernel's xz decoder always knows CRC32 (what kmod and Debian use).
enum class XzCheck { none, crc32, crc64, sha256 };
// Compresses; only fails on library errors (out of memory).
Expected<std::vector<uint8_t>> compress(std::span<const uint8_t> bytes, Compression c, XzCheck check = XzCheck::crc32);

// Reads a module file and decompresses it when it is xz/gzip/zstd.
Expected<std::vector<uint8_t>> load_module_file(const std::string& path);

}  // namespace mh::elf
