// xz as Kbuild writes .ko.xz, with liblzma.
#include "bench/runner/kbuild_xz.h"

#include <lzma.h>

namespace mh::bench {

// The dictionary size sets what both decoders allocate, so the generic preset-6 (8 MiB dictionary)
// would misstate the fixed cost of both xz paths.
Expected<std::string> kbuild_xz(const std::vector<uint8_t>& raw) {
    lzma_options_lzma opt{};
    if (lzma_lzma_preset(&opt, 6)) return make_error("lzma preset");
    opt.dict_size = 1u << 20;
    lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &opt}, {LZMA_VLI_UNKNOWN, nullptr}};
    std::string out(lzma_stream_buffer_bound(raw.size()), '\0');
    size_t pos = 0;
    lzma_ret r = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, nullptr, raw.data(), raw.size(),
                                           reinterpret_cast<uint8_t*>(out.data()), &pos, out.size());
    if (r != LZMA_OK) return make_error("xz encoding failed (" + std::to_string(static_cast<int>(r)) + ")");
    out.resize(pos);
    return out;
}

}  // namespace mh::bench
