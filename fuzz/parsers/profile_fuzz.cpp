// libFuzzer target: kernel profile files (corpus/profiles/*.profile), which `synth:` cases turn
// into module images. Properties: no crash; a profile that parses prints back to the same
// profile, and synthesising and emitting a module from it stays in bounds and yields an ELF our
// own reader accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/parsers/fuzz_check.h"
#include "harness/elf/profile.h"
#include "harness/elf/reader.h"
#include "harness/elf/spec.h"
#include "harness/elf/synth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mh::elf;
    auto p = profile_from_text(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!p) return 0;
    const std::string text = profile_to_text(*p);
    auto again = profile_from_text(text);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(profile_to_text(*again) == text);
    SynthOptions so;
    so.init_ret = -5;
    so.name = "fuzzmod";
    auto spec = synthesize(*p, so);
    if (!spec) return 0;
    auto image = emit(*spec);
    auto view = ElfView::parse(image, ReadOptions{.require_x86_64_rel = true});
    FUZZ_CHECK(view.ok());
    return 0;
}
