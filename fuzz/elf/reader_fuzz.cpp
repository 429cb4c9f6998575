// libFuzzer target: the checked ELF reader, signature and decompression paths must never crash on any bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "harness/elf/compression.h"
#include "harness/elf/profile.h"
#include "harness/elf/reader.h"
#include "harness/elf/signature.h"

namespace {

void walk(std::span<const uint8_t> img, bool strict) {
    using namespace mh::elf;
    auto v = ElfView::parse(img, ReadOptions{.require_x86_64_rel = strict});
    if (!v) return;
    for (size_t i = 0; i < v->section_count(); ++i) {
        (void)v->section_name(i);
        (void)v->section_data(i);
    }
    auto syms = v->symbols();
    for (size_t r : v->sections_of_type(kShtRela)) (void)v->relocations(r);
    (void)read_modinfo(*v);
    (void)read_versions(*v);
    (void)read_this_module(*v);
    (void)syms;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh::elf;
    std::span<const uint8_t> in(data, size);
    walk(in, true);
    walk(in, false);
    (void)find_signature(in);
    walk(strip_signature(in), false);
    (void)module_name(in);
    (void)extract_profile(in, "fuzz");
    if (detect_compression(in) != Compression::none) {
        // Bounded: a fuzzer must not be able to ask for gigabytes.
        auto plain = decompress(in, 1u << 24);
        if (plain) walk(*plain, false);
    }
    return 0;
}
