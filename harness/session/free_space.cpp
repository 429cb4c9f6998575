// statvfs of the results directory, in the message style of ResultsSink's write errors.
#include "harness/session/free_space.h"

#include <sys/statvfs.h>

#include <cerrno>

#include "harness/session/results_sink.h"

namespace mh::session {
namespace {

std::string kib(std::uint64_t bytes) { return std::to_string(bytes / 1024) + " KiB"; }

}  // namespace

Expected<std::uint64_t> free_bytes(const std::filesystem::path& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return make_error("cannot check free space in " + dir.string() + ": " + describe_errno(errno));
    return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

Status check_free_space(const std::filesystem::path& dir, std::uint64_t min_bytes) {
    if (min_bytes == 0) return ok_status();
    auto free = free_bytes(dir);
    if (!free) return free.error();
    if (*free >= min_bytes) return ok_status();
    return make_error("cannot write " + dir.string() + ": only " + kib(*free) + " free, less than the " + kib(min_bytes) +
                      " a VM needs (--min-free)");
}

}  // namespace mh::session
