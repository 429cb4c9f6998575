// File helpers: one POSIX read loop for whole files (the static guest programs use it too),
// atomic replace via rename(2) in the same directory.
#include "harness/common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

namespace mh {
namespace {

template <typename Buffer>
Expected<Buffer> read_whole(const std::filesystem::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error("cannot read '" + p.string() + "': " + std::strerror(errno));
    Buffer out;
    // One allocation for regular files (module images run to 64 MiB); /proc files say 0 and grow.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n <= 0) continue;
        // resize + memcpy, not insert of char iterators into a byte vector (see elf64.h append_chars).
        const size_t at = out.size();
        out.resize(at + static_cast<size_t>(n));
        std::memcpy(out.data() + at, buf, static_cast<size_t>(n));
    }
    const int saved = errno;
    ::close(fd);
    if (n < 0) return make_error("cannot read '" + p.string() + "': " + std::strerror(saved));
    return out;
}

}  // namespace

Expected<std::string> read_text_file(const std::filesystem::path& p) { return read_whole<std::string>(p); }

Expected<std::vector<uint8_t>> read_file_bytes(const std::filesystem::path& p) { return read_whole<std::vector<uint8_t>>(p); }

Status write_file_atomic(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::path tmp = p;
    tmp += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        if (!(o << text)) return make_error("cannot write '" + tmp.string() + "'");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, p, ec);
    if (ec) return make_error("cannot rename '" + tmp.string() + "' to '" + p.string() + "': " + ec.message());
    return ok_status();
}

std::string utc_now_iso() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace mh
