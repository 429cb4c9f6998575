// The mutator core (see mutator.h): weighted choice of step kinds over a decoded input.
#include "harness/mutate/mutator.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "harness/elf/malform/families.h"
#include "harness/elf/malform/malformation.h"
#include "harness/mutate/field_mutations.h"
#include "harness/mutate/modinfo_mutations.h"
#include "harness/mutate/section_name_mutations.h"
#include "harness/mutate/param_mutations.h"
#include "harness/sys/module_abi.h"

namespace mh::mutate {

namespace {

using elf::malform::Rng;

// Catalogue rows a fuzzer may use (no signed-only rows), split by cost: a compression wrapper
// takes milliseconds (xz), the others microseconds, so wrappers are drawn rarely.
const std::vector<uint16_t>& usable_rows(bool wrappers) {
    static const auto rows = [] {
        std::pair<std::vector<uint16_t>, std::vector<uint16_t>> r;
        const auto& cat = elf::malformation_catalogue();
        for (size_t i = 0; i < cat.size(); ++i)
            if (!cat[i].needs_signed_input) (cat[i].compressed() ? r.second : r.first).push_back(static_cast<uint16_t>(i));
        return r;
    }();
    return wrappers ? rows.second : rows.first;
}

// Our own byte mutations (used when the engine offers none, e.g. AFL++ custom-only mode).
void own_bytes(Bytes& img, size_t max_image, Rng& rng) {
    if (img.empty()) {
        img.push_back(static_cast<uint8_t>(rng.next()));
        return;
    }
    switch (rng.below(5)) {
        case 0: img[rng.below(img.size())] ^= static_cast<uint8_t>(1u << rng.below(8)); break;
        case 1: img[rng.below(img.size())] = static_cast<uint8_t>(rng.next()); break;
        case 2: {  // erase a chunk
            const size_t at = rng.below(img.size()), n = std::min<size_t>(img.size() - at, 1 + rng.below(64));
            img.erase(img.begin() + static_cast<std::ptrdiff_t>(at), img.begin() + static_cast<std::ptrdiff_t>(at + n));
            break;
        }
        case 3: {  // duplicate a chunk in place
            const size_t at = rng.below(img.size()), n = std::min<size_t>(img.size() - at, 1 + rng.below(64));
            if (img.size() + n > max_image) break;
            Bytes chunk(img.begin() + static_cast<std::ptrdiff_t>(at), img.begin() + static_cast<std::ptrdiff_t>(at + n));
            img.insert(img.begin() + static_cast<std::ptrdiff_t>(rng.below(img.size())), chunk.begin(), chunk.end());
            break;
        }
        default: {  // 4- or 8-byte interesting value at an aligned offset
            static constexpr std::array<uint64_t, 6> v{0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff};
            const size_t w = rng.below(2) ? 4 : 8;
            if (img.size() < w) break;
            elf::malform::put_le(img, rng.below(img.size() / w) * w, v[rng.below(v.size())], w);
            break;
        }
    }
}

uint32_t new_flags(uint32_t old, Rng& rng) {
    using namespace mh::sys;
    static constexpr std::array<uint32_t, 9> v{0,
                                               kModuleInitIgnoreModversions,
                                               kModuleInitIgnoreVermagic,
                                               kModuleInitIgnoreModversions | kModuleInitIgnoreVermagic,
                                               kModuleInitCompressedFile,
                                               8,
                                               0x80000000u,
                                               0xffffffffu,
                                               kModuleInitCompressedFile | kModuleInitIgnoreVermagic};
    if (rng.below(4) == 0) return old ^ (1u << rng.below(32));
    return v[rng.below(v.size())];
}

}  // namespace

Expected<MutatorWeights> parse_weights(const std::string& text) {
    MutatorWeights w;
    size_t at = 0;
    while (at < text.size()) {
        size_t comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        const std::string item = text.substr(at, comma - at);
        const size_t eq = item.find('=');
        const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
        char* end = nullptr;
        const unsigned long v = std::strtoul(value.c_str(), &end, 10);
        if (eq == std::string::npos || value.empty() || *end != '\0' || v > 1000)
            return make_error("weights: '" + item + "' is not NAME=0..1000 (names: catalogue, field, bytes, call)");
        if (key == "catalogue")
            w.catalogue = static_cast<unsigned>(v);
        else if (key == "field")
            w.field = static_cast<unsigned>(v);
        else if (key == "bytes")
            w.bytes = static_cast<unsigned>(v);
        else if (key == "call")
            w.call = static_cast<unsigned>(v);
        else
            return make_error("weights: unknown step kind '" + key + "' (catalogue, field, bytes, call)");
        at = comma + 1;
    }
    if (w.catalogue + w.field + w.bytes + w.call == 0) return make_error("weights: all zero");
    return w;
}

Mutator::Mutator(MutatorWeights weights, EngineByteMutator engine) : weights_(weights), engine_(std::move(engine)) {}

bool Mutator::catalogue_step(FuzzInput& in, uint64_t seed) const {
    Rng rng(seed);
    const auto& rows = usable_rows(rng.below(32) == 0);
    for (int attempt = 0; attempt < 4; ++attempt)
        if (apply_catalogue_row(in, rows[rng.below(rows.size())], rng.next())) return true;
    return false;
}

bool apply_catalogue_row(FuzzInput& in, uint16_t row, uint64_t seed) {
    const auto& cat = elf::malformation_catalogue();
    if (row >= cat.size()) return false;
    auto out = cat[row].apply(in.image, seed);
    if (!out) return false;
    in.image = std::move(*out);
    // A compressed stream is only meaningful to finit_module with MODULE_INIT_COMPRESSED_FILE.
    if (cat[row].compressed()) {
        in.call.syscall = Syscall::finit_module;
        in.call.flags |= sys::kModuleInitCompressedFile;
    }
    record(in, {StepKind::catalogue, row});
    return true;
}

bool Mutator::field_step(FuzzInput& in, uint64_t seed) const {
    Rng rng(seed);
    // Dictionaries: .modinfo keys and section names, strings byte mutation almost never spells.
    if (const uint64_t d = rng.below(12); d < 2) {
        const uint16_t m = mutate_modinfo(in.image, rng);
        if (m != kNoModinfoMutation) {
            record(in, {StepKind::modinfo, m});
            return true;
        }
    } else if (d == 2) {
        const uint16_t m = mutate_section_name(in.image, rng);
        if (m != kNoSectionNameMutation) {
            record(in, {StepKind::section_name, m});
            return true;
        }
    }
    const uint16_t id = mutate_field(in.image, rng);
    if (id == kNoFieldMutation) return false;
    record(in, {StepKind::field, id});
    return true;
}

bool Mutator::bytes_step(FuzzInput& in, size_t max_image, uint64_t seed) const {
    Rng rng(seed);
    if (engine_ && rng.below(4) != 0) {
        const size_t old = in.image.size();
        in.image.resize(std::max(max_image, old));
        const size_t n = engine_(in.image.data(), old, in.image.size());
        in.image.resize(std::min(n, in.image.size()));
        record(in, {StepKind::bytes, 0});
        return true;
    }
    own_bytes(in.image, max_image, rng);
    record(in, {StepKind::bytes, 1});
    return true;
}

bool Mutator::call_step(FuzzInput& in, uint64_t seed) const {
    Rng rng(seed);
    const auto part = static_cast<CallPart>(rng.below(8) < 4 ? 3 : rng.below(4) == 3 ? 4 : rng.below(3));  // params most often
    switch (part) {
        case CallPart::syscall:
            in.call.syscall = in.call.syscall == Syscall::init_module ? Syscall::finit_module : Syscall::init_module;
            break;
        case CallPart::fd_kind:
            in.call.syscall = Syscall::finit_module;
            in.call.fd_kind = static_cast<FdKind>(rng.below(static_cast<uint64_t>(FdKind::count)));
            break;
        case CallPart::flags: in.call.flags = new_flags(in.call.flags, rng); break;
        case CallPart::params: in.call.params = mutate_params(in.call.params, declared_params(in.image), rng).substr(0, kMaxParams); break;
        case CallPart::actions: in.call.actions ^= static_cast<uint16_t>(1u << rng.below(kActionCount)); break;
    }
    record(in, {StepKind::call, static_cast<uint16_t>(part)});
    return true;
}

Bytes Mutator::mutate(std::span<const uint8_t> encoded, size_t max_size, uint64_t seed) const {
    FuzzInput in = decode(encoded);
    Rng rng(seed);
    const unsigned total = weights_.catalogue + weights_.field + weights_.bytes + weights_.call;
    const int steps = 1 + static_cast<int>(rng.below(8) == 0 ? 2 : 0) + static_cast<int>(rng.below(4) == 0);
    for (int i = 0; i < steps; ++i) {
        const size_t overhead = kHeaderBytes + in.call.params.size() + 3 * kMaxHistory;
        const size_t max_image = max_size > overhead ? max_size - overhead : 0;
        unsigned pick = static_cast<unsigned>(rng.below(total ? total : 1));
        bool done = false;
        if (pick < weights_.catalogue)
            done = catalogue_step(in, rng.next());
        else if ((pick -= weights_.catalogue) < weights_.field)
            done = field_step(in, rng.next());
        else if ((pick -= weights_.field) < weights_.bytes)
            done = bytes_step(in, max_image, rng.next());
        else
            done = call_step(in, rng.next());
        if (!done) bytes_step(in, max_image, rng.next());
        if (in.image.size() > max_image) in.image.resize(max_image);
    }
    Bytes out = encode(in);
    if (out.size() > max_size) out.resize(max_size);  // only when max_size is below the header itself
    return out;
}

Bytes Mutator::crossover(std::span<const uint8_t> a, std::span<const uint8_t> b, size_t max_size, uint64_t seed) const {
    FuzzInput x = decode(a);
    const FuzzInput y = decode(b);
    Rng rng(seed);
    const uint16_t kind = static_cast<uint16_t>(rng.below(3));
    if (kind == 0 || x.image.empty() || y.image.empty()) {
        x.call = y.call;  // the call of one, the image of the other
    } else if (kind == 1) {
        const size_t cut = rng.below(std::min(x.image.size(), y.image.size()) + 1);
        x.image.resize(cut);
        x.image.insert(x.image.end(), y.image.begin() + static_cast<std::ptrdiff_t>(cut), y.image.end());
    } else {  // transplant an aligned chunk of y into x at the same offset (tables line up in similar modules)
        const size_t common = std::min(x.image.size(), y.image.size());
        const size_t at = rng.below(common / 8 + 1) * 8, n = std::min<size_t>(common - std::min(at, common), 8 * (1 + rng.below(32)));
        std::copy_n(y.image.begin() + static_cast<std::ptrdiff_t>(at), n, x.image.begin() + static_cast<std::ptrdiff_t>(at));
    }
    record(x, {StepKind::splice, kind});
    Bytes out = encode(x);
    if (out.size() > max_size) out.resize(max_size);
    return out;
}

}  // namespace mh::mutate
