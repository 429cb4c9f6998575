// Descriptor kinds for finit_module(2) cases (contract.md §3.3): each makes one kind of fd.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::inputs {

// An fd set up for a case, plus whatever must stay alive until the call returns.
struct PreparedFd {
    int fd = -1;
    std::vector<int> keep_open;  // e.g. the other end of a pipe, a writer holding the inode
    std::string path;            // file created for the case (removed by cleanup)
};

// Known kinds, in the order they are documented (for --help and validation).
const std::vector<std::string_view>& fd_kind_names();
bool is_fd_kind(std::string_view kind);

// Makes an fd of `kind`. `image_path` is the module file (may be empty for kinds that need none);
// `scratch_dir` is a writable directory (tmpfs in the guest) for copies and special files.
Expected<PreparedFd> prepare_fd(std::string_view kind, const std::string& image_path, const std::string& scratch_dir);
void release_fd(PreparedFd& fd);

}  // namespace mh::inputs
