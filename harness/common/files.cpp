// File helpers: one POSIX read loop for whole files (the static guest programs use it too),
// durable atomic replace: temporary in the same directory, fsync, rename(2), fsync of the directory.
#include "harness/common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>

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

std::string describe_errno(int err) {
    const char* name = ::strerrorname_np(err);
    return std::string(std::strerror(err)) + " (" + (name ? name : "E" + std::to_string(err)) + ")";
}

namespace {

// Writes every byte of `text` to `fd`; 0 or an errno.
int write_all(int fd, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        // write() returning 0 for a non-empty buffer has no errno; it means no room.
        if (n <= 0) return n < 0 ? errno : ENOSPC;
        done += static_cast<size_t>(n);
    }
    return 0;
}

// fsync of the directory holding `p`, so the rename itself survives a crash. Filesystems that
// cannot sync a directory say EINVAL: nothing more can be done there.
int sync_parent(const std::filesystem::path& p) {
    std::filesystem::path dir = p.parent_path();
    if (dir.empty()) dir = ".";
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int err = ::fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    ::close(fd);
    return err;
}

}  // namespace

Status write_file_atomic(const std::filesystem::path& p, const std::string& text, mode_t mode) {
    // pid + a per-process counter: two threads replacing one file never share a temporary.
    static std::atomic<unsigned> counter{0};
    std::filesystem::path tmp = p;
    tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
    auto fail = [&](const std::string& step, int err) -> Status {
        return storage_error("cannot write '" + p.string() + "' (" + step + "): " + describe_errno(err));
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return fail("creating '" + tmp.string() + "'", errno);
    int err = write_all(fd, text);
    const char* step = "write";
    if (err == 0 && ::fsync(fd) != 0) err = errno, step = "fsync";
    // close() reports delayed write errors (NFS); EINTR still closes the descriptor on Linux.
    if (::close(fd) != 0 && errno != EINTR && err == 0) err = errno, step = "close";
    if (err == 0 && ::rename(tmp.c_str(), p.c_str()) != 0) err = errno, step = "rename";
    if (err != 0) {
        ::unlink(tmp.c_str());  // the old file, if any, is untouched
        return fail(step, err);
    }
    if (int e = sync_parent(p); e != 0) return fail("fsync of the directory", e);
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

bool absent_or_empty_dir(const std::filesystem::path& p) {
    std::error_code ec;
    return !std::filesystem::exists(p, ec) || (std::filesystem::is_directory(p, ec) && std::filesystem::is_empty(p, ec));
}

}  // namespace mh
