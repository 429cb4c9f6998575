#include "harness/campaign/image_diff.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "harness/common/text.h"
#include "harness/elf/locate.h"

namespace mh::campaign {

namespace {

// Equal bytes between two differing ones that still make one run (a field written as a whole
// often keeps a byte or two).
constexpr size_t kRunGap = 3;

std::string number(uint64_t v) { return v < 4096 ? std::to_string(v) : hex(v); }

std::string hex_bytes(std::span<const uint8_t> bytes) {
    std::string out;
    char b[4];
    for (auto x : bytes) {
        std::snprintf(b, sizeof b, "%02x", x);
        out += (out.empty() ? "" : " ") + std::string(b);
    }
    return out;
}

}  // namespace

std::vector<ImageDifference> diff_images(std::span<const uint8_t> seed, std::span<const uint8_t> image) {
    std::vector<ImageDifference> out;
    const size_t common = std::min(seed.size(), image.size());
    auto view = elf::ElfView::parse(seed, {.require_x86_64_rel = false});
    auto where_of = [&](size_t offset) -> std::optional<elf::Location> {
        if (!view) return std::nullopt;
        return elf::locate(*view, offset);
    };
    size_t i = 0;
    while (i < common) {
        if (seed[i] == image[i]) {
            ++i;
            continue;
        }
        ImageDifference d;
        const auto at = where_of(i);
        const bool field = at && at->kind != elf::Location::Kind::kSectionData && at->kind != elf::Location::Kind::kNone &&
                           !at->field.empty() && at->start <= i;
        if (field) {
            d.start = at->start;
            d.length = std::min(at->width, common - at->start);
            d.where = elf::describe(*at);
            const auto before = elf::field_value(seed, d.start, d.length), after = elf::field_value(image, d.start, d.length);
            d.change = before && after ? number(*before) + " -> " + number(*after)
                                       : hex_bytes(seed.subspan(d.start, d.length)) + " -> " + hex_bytes(image.subspan(d.start, d.length));
        } else {
            // A run of differing bytes in one place of the model (section contents, padding).
            size_t end = i + 1, last_diff = i;
            while (end < common && end - last_diff <= kRunGap) {
                if (seed[end] != image[end]) {
                    const auto next = where_of(end);
                    const bool same_place = !at || (next && next->kind == at->kind && next->section == at->section);
                    if (!same_place) break;
                    last_diff = end;
                }
                ++end;
            }
            d.start = i;
            d.length = last_diff + 1 - i;
            d.where = at ? elf::describe(*at) : "bytes at " + hex(i);
            d.change = d.length <= 8 ? hex_bytes(seed.subspan(d.start, d.length)) + " -> " + hex_bytes(image.subspan(d.start, d.length))
                                     : std::to_string(d.length) + " bytes changed";
        }
        // Fields may start before i (a field whose first bytes are equal); never go backwards.
        if (!out.empty() && d.start < out.back().start + out.back().length) {
            const size_t from = out.back().start + out.back().length;
            d.length -= std::min(d.length, from - d.start);
            d.start = from;
            if (d.length == 0) {
                ++i;
                continue;
            }
        }
        if (at && at->kind != elf::Location::Kind::kNone) {
            d.at = at;
            if (field)
                d.skip = d.start - at->start;  // a field partly covered by the previous difference
            else
                d.at->within += d.start - i;  // the run's own start
        }
        i = d.start + d.length;
        d.bytes.assign(image.begin() + static_cast<std::ptrdiff_t>(d.start),
                       image.begin() + static_cast<std::ptrdiff_t>(d.start + d.length));
        out.push_back(std::move(d));
    }
    if (seed.size() != image.size()) {
        ImageDifference d;
        d.tail = true;
        d.start = common;
        d.length = std::max(seed.size(), image.size()) - common;
        if (image.size() > seed.size()) {
            d.where = "after the seed's end (" + hex(common) + ")";
            d.change = std::to_string(d.length) + " bytes appended";
            d.bytes.assign(image.begin() + static_cast<std::ptrdiff_t>(common), image.end());
        } else {
            const auto at = where_of(common);
            if (at && at->kind == elf::Location::Kind::kSectionData) d.at = at;
            d.where = at ? elf::describe(*at) + " (" + hex(common) + ")" : "at " + hex(common);
            d.change = "image cut here: the seed's last " + std::to_string(d.length) + " bytes missing";
        }
        out.push_back(std::move(d));
    }
    return out;
}

mutate::Bytes apply_differences(std::span<const uint8_t> seed, std::span<const uint8_t> image, const std::vector<ImageDifference>& diffs,
                                const std::vector<size_t>& keep) {
    mutate::Bytes out(seed.begin(), seed.end());
    for (size_t k : keep) {
        if (k >= diffs.size()) continue;
        const auto& d = diffs[k];
        if (d.tail) {
            out.resize(image.size());
            if (image.size() > seed.size())
                std::copy(image.begin() + static_cast<std::ptrdiff_t>(seed.size()), image.end(),
                          out.begin() + static_cast<std::ptrdiff_t>(seed.size()));
            continue;
        }
        if (d.start + d.length > std::min(out.size(), image.size())) continue;  // cut off by the tail
        std::copy_n(image.begin() + static_cast<std::ptrdiff_t>(d.start), d.length, out.begin() + static_cast<std::ptrdiff_t>(d.start));
    }
    return out;
}

Expected<mutate::Bytes> port_differences(std::span<const uint8_t> other_seed, const std::vector<ImageDifference>& diffs,
                                         const std::vector<size_t>& keep) {
    auto view = elf::ElfView::parse(other_seed, {.require_x86_64_rel = false});
    if (!view) return make_error("the other seed does not parse: " + view.error().message);
    mutate::Bytes out(other_seed.begin(), other_seed.end());
    std::optional<size_t> cut;
    for (size_t k : keep) {
        if (k >= diffs.size()) continue;
        const auto& d = diffs[k];
        if (d.tail && !d.bytes.empty()) continue;  // appended last, after every in-place change
        const auto at = d.at ? elf::find_same(*view, *d.at) : std::nullopt;
        if (!at) return make_error("no place for \"" + d.text() + "\" in the other build");
        if (d.tail) {
            cut = *at;
            continue;
        }
        const size_t offset = *at + d.skip;
        if (offset + d.bytes.size() > out.size()) return make_error("\"" + d.text() + "\" runs past the other build's end");
        std::copy(d.bytes.begin(), d.bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(offset));
    }
    if (cut) out.resize(*cut);
    for (size_t k : keep)
        if (k < diffs.size() && diffs[k].tail && !diffs[k].bytes.empty())
            out.insert(out.end(), diffs[k].bytes.begin(), diffs[k].bytes.end());
    return out;
}

size_t image_distance(std::span<const uint8_t> seed, std::span<const uint8_t> image) {
    const size_t common = std::min(seed.size(), image.size());
    size_t n = std::max(seed.size(), image.size()) - common;
    for (size_t i = 0; i < common; ++i) n += seed[i] != image[i];
    return n;
}

}  // namespace mh::campaign
