// Pointer kinds for init_module(2) images and for param_values (contract.md §3.2, §3.10).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::inputs {

// A region the case passes to the kernel; owns its mappings until released.
struct PreparedBuffer {
    const void* ptr = nullptr;
    unsigned long len = 0;  // the image length (callers may override the length they pass)
    void* map = nullptr;  // mapping to unmap on release
    size_t map_len = 0;
};

const std::vector<std::string_view>& buffer_kind_names();
bool is_buffer_kind(std::string_view kind);
// image, mmap and guard_tail point at the image's bytes: the base of a relative `len`
// ("image-1"). The other kinds point at no image, so their base is 0.
bool buffer_holds_image(std::string_view kind);

// image: heap copy of the bytes; mmap: read-only mapping of the file; null; unmapped (an address
// that was mapped and then unmapped); prot_none; guard_tail (the image ends exactly at a
// PROT_NONE page, so any length past the image faults); kernel (a kernel-half address).
Expected<PreparedBuffer> prepare_buffer(std::string_view kind, const std::string& image_path);

// Param string kinds: string (the given text), null, unmapped, unterminated (the text runs into a
// PROT_NONE page with no NUL).
const std::vector<std::string_view>& params_kind_names();
Expected<PreparedBuffer> prepare_params(std::string_view kind, const std::string& text);

void release_buffer(PreparedBuffer& b);

}  // namespace mh::inputs
