// The differences between a crash image and the seed module it was mutated from, as units a
// minimiser keeps or reverts one at a time: whole fields where the seed's ELF model names the bytes
// (ELF header, section header, symbol and relocation fields), byte runs inside section contents,
// and the tail (bytes appended past the seed's end, or the seed's end cut off). Each is described
// in the model's words from the seed's layout.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/elf/locate.h"
#include "harness/mutate/fuzz_input.h"

namespace mh::campaign {

struct ImageDifference {
    size_t start = 0, length = 0;  // the byte range (inside both images, unless `tail`)
    bool tail = false;  // the size difference: bytes appended (image longer) or cut (image shorter)
    std::string where;  // "section 12 `.symtab` header sh_link"
    std::string change;  // "40 -> 3", "2 bytes 00 00 -> ff 7f", "120 bytes appended", "300 bytes cut"
    std::optional<elf::Location> at;  // where it is in the seed's model (none for a non-ELF seed or a tail)
    size_t skip = 0;  // bytes of the field at `at` before `start` (covered by the previous difference)
    mutate::Bytes bytes;  // the crash image's bytes for it (a tail: the appended bytes; a cut: none)

    std::string text() const { return where + ": " + change; }
};

std::vector<ImageDifference> diff_images(std::span<const uint8_t> seed, std::span<const uint8_t> image);

// The seed with the differences whose indices are in `keep` applied: all of them give the image,
// none gives the seed.
mutate::Bytes apply_differences(std::span<const uint8_t> seed, std::span<const uint8_t> image, const std::vector<ImageDifference>& diffs,
                                const std::vector<size_t>& keep);

// The same differences written into another build of the seed (another kernel's headers): each
// at the same place of the ELF model (elf::find_same), a tail appended again, a cut made at the
// same place. An error names the difference that has no place there.
Expected<mutate::Bytes> port_differences(std::span<const uint8_t> other_seed, const std::vector<ImageDifference>& diffs,
                                         const std::vector<size_t>& keep);

// Differing bytes over the common length plus the size difference: picks the nearest seed.
size_t image_distance(std::span<const uint8_t> seed, std::span<const uint8_t> image);

}  // namespace mh::campaign
