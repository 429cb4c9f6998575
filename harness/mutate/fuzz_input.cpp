// Encoding and total decoding of fuzzer inputs (see fuzz_input.h for the layout).
#include "harness/mutate/fuzz_input.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "harness/mutate/field_mutations.h"
#include "harness/mutate/modinfo_mutations.h"
#include "harness/mutate/section_name_mutations.h"
#include "harness/elf/malform/malformation.h"

namespace mh::mutate {

namespace {

uint32_t get(std::span<const uint8_t> b, size_t off, size_t width) {
    uint32_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= static_cast<uint32_t>(b[off + i]) << (8 * i);
    return v;
}

void put(Bytes& b, size_t off, uint32_t v, size_t width) {
    for (size_t i = 0; i < width; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

bool has_magic(std::span<const uint8_t> bytes) {
    return bytes.size() >= kHeaderBytes && std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) == 0;
}

struct Layout {
    size_t params_len = 0, history_steps = 0, image_at = 0;
};

Layout layout_of(std::span<const uint8_t> bytes) {
    Layout l;
    if (!has_magic(bytes)) return l;
    size_t rest = bytes.size() - kHeaderBytes;
    l.params_len = std::min<size_t>({get(bytes, 6, 2), kMaxParams, rest});
    rest -= l.params_len;
    l.history_steps = std::min<size_t>({get(bytes, 12, 2), kMaxHistory, rest / 3});
    l.image_at = kHeaderBytes + l.params_len + 3 * l.history_steps;
    return l;
}

}  // namespace

std::string_view fd_kind_name(FdKind k) {
    const auto i = static_cast<size_t>(k);
    return i < std::size(kFuzzFdKindInputs) ? inputs::fd_kind_name(kFuzzFdKindInputs[i]) : "?";
}

Bytes encode(const FuzzInput& in) {
    const std::string params = in.call.params.substr(0, kMaxParams);
    const size_t steps = std::min(in.history.size(), kMaxHistory);
    // Sized once and filled by offset (GCC 12 misreads vector::insert chains as overflows).
    Bytes out(kHeaderBytes + params.size() + 3 * steps + in.image.size());
    std::memcpy(out.data(), kMagic.data(), kMagic.size());
    out[4] = static_cast<uint8_t>(in.call.syscall);
    out[5] = static_cast<uint8_t>(in.call.fd_kind);
    put(out, 6, static_cast<uint32_t>(params.size()), 2);
    put(out, 8, in.call.flags, 4);
    put(out, 12, static_cast<uint32_t>(steps), 2);
    put(out, 14, in.call.actions & kActionMask, 2);
    size_t at = kHeaderBytes;
    if (!params.empty()) std::memcpy(out.data() + at, params.data(), params.size());
    at += params.size();
    for (size_t i = in.history.size() - steps; i < in.history.size(); ++i, at += 3) {
        out[at] = static_cast<uint8_t>(in.history[i].kind);
        put(out, at + 1, in.history[i].arg, 2);
    }
    if (!in.image.empty()) std::memcpy(out.data() + at, in.image.data(), in.image.size());
    return out;
}

FuzzInput decode(std::span<const uint8_t> bytes) {
    FuzzInput in;
    if (!has_magic(bytes)) {
        in.image.assign(bytes.begin(), bytes.end());
        return in;
    }
    const Layout l = layout_of(bytes);
    in.call.syscall = (bytes[4] & 1) ? Syscall::finit_module : Syscall::init_module;
    in.call.fd_kind = static_cast<FdKind>(bytes[5] % static_cast<uint8_t>(FdKind::count));
    in.call.flags = get(bytes, 8, 4);
    in.call.actions = static_cast<uint16_t>(get(bytes, 14, 2) & kActionMask);
    in.call.params.assign(reinterpret_cast<const char*>(bytes.data() + kHeaderBytes), l.params_len);
    const size_t h = kHeaderBytes + l.params_len;
    for (size_t i = 0; i < l.history_steps; ++i)
        in.history.push_back(Step{static_cast<StepKind>(bytes[h + 3 * i]), static_cast<uint16_t>(get(bytes, h + 3 * i + 1, 2))});
    in.image.assign(bytes.begin() + static_cast<std::ptrdiff_t>(l.image_at), bytes.end());
    return in;
}

size_t image_offset(std::span<const uint8_t> bytes) { return layout_of(bytes).image_at; }

void record(FuzzInput& in, Step step) {
    in.history.push_back(step);
    if (in.history.size() > kMaxHistory)
        in.history.erase(in.history.begin(), in.history.begin() + static_cast<std::ptrdiff_t>(in.history.size() - kMaxHistory));
}

std::string describe_history(const std::vector<Step>& history) {
    std::string out;
    const auto& catalogue = elf::malformation_catalogue();
    for (const auto& s : history) {
        if (!out.empty()) out += ' ';
        switch (s.kind) {
            case StepKind::catalogue:
                out += "catalogue:";
                out += s.arg < catalogue.size() ? std::string(catalogue[s.arg].id) : "#" + std::to_string(s.arg);
                break;
            case StepKind::field: out += "field:" + field_mutation_name(s.arg); break;
            case StepKind::modinfo: out += "modinfo:" + modinfo_mutation_name(s.arg); break;
            case StepKind::section_name: out += "section-name:" + section_name_mutation_name(s.arg); break;
            case StepKind::bytes: out += s.arg == 0 ? "bytes:engine" : "bytes:" + std::to_string(s.arg); break;
            case StepKind::splice: out += "splice:" + std::to_string(s.arg); break;
            case StepKind::call: {
                static const char* parts[] = {"syscall", "fd", "flags", "params", "actions"};
                out += "call:";
                out += s.arg < 5 ? parts[s.arg] : std::to_string(s.arg);
                break;
            }
            default: out += "?" + std::to_string(static_cast<int>(s.kind)); break;
        }
    }
    return out;
}

std::string describe_call(const CallSpec& call) {
    std::string out = call.syscall == Syscall::init_module ? "init_module" : "finit_module";
    if (call.syscall == Syscall::finit_module) out += " fd=" + std::string(fd_kind_name(call.fd_kind));
    out += " flags=" + std::to_string(call.flags);
    out += " params=\"" + call.params + "\"";
    if (call.actions) out += " actions=" + describe_actions(call.actions);
    return out;
}

std::string describe_actions(uint16_t actions) {
    static const char* names[] = {"probe-sysfs",     "read-kallsyms",      "concurrent",        "repeat",       "force-unload",
                                  "unload-provider", "bad-params-pointer", "bad-image-pointer", "race-provider"};
    std::string out;
    static_assert(sizeof names / sizeof names[0] == kActionCount);
    for (unsigned bit = 0; bit < kActionCount; ++bit)
        if (actions & (1u << bit)) out += (out.empty() ? "" : ",") + std::string(names[bit]);
    return out;
}

}  // namespace mh::mutate
