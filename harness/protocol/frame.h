// Framing of result records on the guest->host results channel (a raw serial port).
//
// A frame is one line: "MH1 <payload length> <crc32 hex> <payload>\n". The payload is a kv
// record (no newlines by construction). Length and CRC let the host drop lines that were
// corrupted or cut short (guest crash mid-write) instead of misreading them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mh::protocol {

// The frame checksum: CRC-32 (IEEE 802.3) of the payload, zlib's crc32().
uint32_t frame_crc(std::string_view payload);

std::string frame_encode(std::string_view payload);

// Incremental decoder: feed arbitrary chunks, get whole verified payloads back.
class FrameDecoder {
public:
    // Returns the payloads completed by this chunk, in order.
    std::vector<std::string> feed(std::string_view chunk);
    // Lines that were not valid frames (garbage, bad length, bad CRC).
    size_t bad_frames() const { return bad_frames_; }
    // Bytes of an unterminated last line still buffered (a frame cut by a crash).
    size_t pending_bytes() const { return partial_.size(); }

private:
    std::string partial_;
    size_t bad_frames_ = 0;
};

}  // namespace mh::protocol
