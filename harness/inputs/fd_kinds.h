// Descriptor kinds for finit_module(2) cases (contract.md §3.3): each makes one kind of fd.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::inputs {

// Every kind, in the order they are documented (for --help and validation); the name of a kind is
// its enumerator's. Code that picks kinds by number (the fuzz input format) names them from here.
// clang-format off
#define MH_FD_KINDS(X)                                                                                     \
    X(file) X(minus1) X(closed) X(high) X(wronly) X(rdwr) X(path) X(accmode3) X(dir) X(pipe) X(fifo)     \
    X(socket) X(eventfd) X(epoll) X(devzero) X(devnull) X(memfd) X(empty) X(sparse2g) X(sparse1g)       \
    X(procfs) X(sysfs) X(held_writer)
// clang-format on

enum class FdKind : uint8_t {
#define MH_FD_KIND_ENUM(kind) kind,
    MH_FD_KINDS(MH_FD_KIND_ENUM)
#undef MH_FD_KIND_ENUM
};

inline constexpr std::array kFdKindNames = {
#define MH_FD_KIND_NAME(kind) std::string_view(#kind),
    MH_FD_KINDS(MH_FD_KIND_NAME)
#undef MH_FD_KIND_NAME
};

// Inline, so code that only names kinds (the fuzz mutator core) needs no inputs library.
constexpr std::string_view fd_kind_name(FdKind k) { return kFdKindNames[static_cast<size_t>(k)]; }

// An fd set up for a case, plus whatever must stay alive until the call returns.
struct PreparedFd {
    int fd = -1;
    std::vector<int> keep_open;  // e.g. the other end of a pipe, a writer holding the inode
    std::string path;  // file created for the case (removed by cleanup)
};

// The names of kFdKindNames, as a list.
const std::vector<std::string_view>& fd_kind_names();
bool is_fd_kind(std::string_view kind);

// Makes an fd of `kind`. `image_path` is the module file (may be empty for kinds that need none);
// `scratch_dir` is a writable directory (tmpfs in the guest) for copies and special files.
Expected<PreparedFd> prepare_fd(std::string_view kind, const std::string& image_path, const std::string& scratch_dir);
void release_fd(PreparedFd& fd);

}  // namespace mh::inputs
