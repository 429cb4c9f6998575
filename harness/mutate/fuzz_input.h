// One fuzzer input: the call to make (syscall, fd kind, flags, params), the module image, and the
// mutation history that produced it. Every byte string decodes (fuzzers feed garbage).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/inputs/fd_kinds.h"

namespace mh::mutate {

using Bytes = std::vector<uint8_t>;

enum class Syscall : uint8_t { init_module = 0, finit_module = 1 };

// How finit_module gets its descriptor: a small, cheap subset of the kinds of
// harness/inputs/fd_kinds.h, listed by their enumerators there (the guest makes them from the
// image in memory). The position in this list is the number stored in corpus files: append only.
//   memfd:  a memfd holding the image
//   file:   a regular tmpfs file holding the image
//   wronly: the file opened O_WRONLY (EBADF)
//   pipe:   the read end of an empty pipe (not a regular file)
#define MH_FUZZ_FD_KINDS(X) X(memfd) X(file) X(wronly) X(pipe)

enum class FdKind : uint8_t {
#define MH_FUZZ_FD_KIND_ENUM(kind) kind,
    MH_FUZZ_FD_KINDS(MH_FUZZ_FD_KIND_ENUM)
#undef MH_FUZZ_FD_KIND_ENUM
        count,
};
static_assert(static_cast<int>(FdKind::memfd) == 0 && static_cast<int>(FdKind::file) == 1 && static_cast<int>(FdKind::wronly) == 2 &&
                  static_cast<int>(FdKind::pipe) == 3 && static_cast<int>(FdKind::count) == 4,
              "fd kind numbers are stored in corpus files");
// The inputs kind each of ours is (a name missing from the inputs table does not compile).
inline constexpr inputs::FdKind kFuzzFdKindInputs[] = {
#define MH_FUZZ_FD_KIND_INPUTS(kind) inputs::FdKind::kind,
    MH_FUZZ_FD_KINDS(MH_FUZZ_FD_KIND_INPUTS)
#undef MH_FUZZ_FD_KIND_INPUTS
};
// The inputs table's name; "?" for a number out of range.
std::string_view fd_kind_name(FdKind k);

// What each mutation step did. Stable numbers: they are stored in corpus files.
enum class StepKind : uint8_t {
    catalogue = 1,  // arg = malformation catalogue row index
    field = 2,  // arg = field-mutation id (field_mutations.h)
    bytes = 3,  // arg = engine byte mutation (0 = the engine's own, 1.. = ours)
    splice = 4,  // arg = crossover kind
    call = 5,  // arg = which part of the call (CallPart)
    modinfo = 6,  // arg = modinfo dictionary entry (modinfo_mutations.h)
    section_name = 7,  // arg = section-name dictionary entry (section_name_mutations.h)
};
enum class CallPart : uint16_t { syscall = 0, fd_kind = 1, flags = 2, params = 3, actions = 4 };

// What the guest does around the call (bits of CallSpec::actions). Each reaches loader code one
// call alone cannot: the views of a loaded module, a second caller, the unload paths.
enum Action : uint16_t {
    kProbeSysfs = 1u << 0,  // after a load: read /sys/module/<name>/* and write its uevent
    kReadKallsyms = 1u << 1,  // after a load: read on in /proc/kallsyms (the modules' symbols)
    kConcurrent = 1u << 2,  // a second thread makes the same call at the same time
    kRepeat = 1u << 3,  // after a load: the same call again while it is still loaded
    kForceUnload = 1u << 4,  // unload with O_TRUNC (forced) first
    kUnloadProvider = 1u << 5,  // after a load: try to unload the environment's provider module
    kBadParamsPointer = 1u << 6,  // the params argument points at an unmapped page (EFAULT)
    kBadImagePointer = 1u << 7,  // init_module's image argument points at an unmapped page
    kRaceProvider = 1u << 8,  // the provider is unloaded and reloaded while the call runs
};
inline constexpr unsigned kActionCount = 9;  // the bits above
inline constexpr uint16_t kActionMask = (1u << kActionCount) - 1;
std::string describe_actions(uint16_t actions);

struct Step {
    StepKind kind{};
    uint16_t arg = 0;
    bool operator==(const Step&) const = default;
};

struct CallSpec {
    Syscall syscall = Syscall::init_module;
    FdKind fd_kind = FdKind::memfd;
    uint32_t flags = 0;
    std::string params;
    uint16_t actions = 0;  // Action bits
    bool operator==(const CallSpec&) const = default;
};

struct FuzzInput {
    CallSpec call;
    Bytes image;
    std::vector<Step> history;  // oldest first, at most kMaxHistory (older steps dropped)
    bool operator==(const FuzzInput&) const = default;
};

inline constexpr size_t kMaxHistory = 48;
inline constexpr size_t kMaxParams = 1024;
inline constexpr std::string_view kMagic = "MHF1";
inline constexpr size_t kHeaderBytes = 16;  // magic, syscall, fd kind, params len, flags, history len, actions

// Layout: "MHF1" u8 syscall, u8 fd_kind, u16 params_len, u32 flags, u16 history_len (steps),
// u16 actions (0 in inputs older than actions: the plain call), params, history (3 bytes per step), image. Little endian.
Bytes encode(const FuzzInput& in);

// Total: bytes without the magic are a bare image for init_module(params ""), so raw ELF files,
// random bytes and libFuzzer's plain byte mutations all decode. Out-of-range fields are folded
// into range; lengths are clamped to what is present.
FuzzInput decode(std::span<const uint8_t> bytes);

// Where the image starts inside encoded bytes (0 for a bare image): lets byte-level engines
// mutate only the image part.
size_t image_offset(std::span<const uint8_t> bytes);

// Appends a step, keeping the newest kMaxHistory.
void record(FuzzInput& in, Step step);

// "catalogue:ehdr-bad-magic field:shdr.sh_size call:flags ..." for reports.
std::string describe_history(const std::vector<Step>& history);
std::string describe_call(const CallSpec& call);

}  // namespace mh::mutate
