// newc format: 110-byte ASCII hex header, name + NUL padded to 4, data padded to 4.
#include "harness/vm/cpio.h"

#include <zlib.h>

#include <cstdio>
#include <stdexcept>

namespace mh::vm {
namespace {

void pad4(std::string& s) {
    while (s.size() % 4) s.push_back('\0');
}

}  // namespace

void CpioWriter::add_entry(std::string_view path, uint32_t mode, std::string_view data, uint32_t rdev_major, uint32_t rdev_minor) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);  // archive paths are relative
    std::string name(path);
    char header[111];
    // mtime 1, not 0: AFL++ imports a foreign sync dir's files only when newer than its last
    // import, which starts at 0 (fixed, so archives stay reproducible).
    constexpr unsigned kMtime = 1;
    std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", next_ino_++, mode, 0u, 0u, 1u,
                  kMtime, static_cast<unsigned>(data.size()), 0u, 0u, rdev_major, rdev_minor, static_cast<unsigned>(name.size() + 1), 0u);
    out_.append(header, 110);
    out_.append(name);
    out_.push_back('\0');
    pad4(out_);
    out_.append(data);
    pad4(out_);
}

void CpioWriter::add_directory(std::string_view path, uint32_t mode) { add_entry(path, 0040000 | mode, {}, 0, 0); }

void CpioWriter::add_file(std::string_view path, std::string_view data, uint32_t mode) { add_entry(path, 0100000 | mode, data, 0, 0); }

void CpioWriter::add_symlink(std::string_view path, std::string_view target) { add_entry(path, 0120000 | 0777, target, 0, 0); }

void CpioWriter::add_char_device(std::string_view path, uint32_t major, uint32_t minor, uint32_t mode) {
    add_entry(path, 0020000 | mode, {}, major, minor);
}

std::string CpioWriter::finish() {
    add_entry("TRAILER!!!", 0, {}, 0, 0);
    // The kernel reads the archive in 512-byte blocks; pad like GNU cpio does.
    while (out_.size() % 512) out_.push_back('\0');
    return std::move(out_);
}

std::string gzip_compress(std::string_view data, int level) {
    z_stream zs{};
    // windowBits 15 + 16 selects the gzip wrapper.
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2 failed");
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 64);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip compression failed");
    out.resize(zs.total_out);
    return out;
}

}  // namespace mh::vm
