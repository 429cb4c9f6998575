// newc cpio archive writer for the guest initramfs (optionally gzip-compressed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mh::vm {

class CpioWriter {
public:
    void add_directory(std::string_view path, uint32_t mode = 0755);
    void add_file(std::string_view path, std::string_view data, uint32_t mode = 0644);
    void add_symlink(std::string_view path, std::string_view target);
    // Character device node (e.g. /dev/console before devtmpfs is mounted).
    void add_char_device(std::string_view path, uint32_t major, uint32_t minor, uint32_t mode = 0600);
    // Appends the TRAILER!!! entry and returns the archive.
    std::string finish();
    size_t size() const { return out_.size(); }

private:
    void add_entry(std::string_view path, uint32_t mode, std::string_view data, uint32_t rdev_major, uint32_t rdev_minor);
    std::string out_;
    uint32_t next_ino_ = 1;
};

// gzip (RFC 1952) of `data`, as the kernel's initramfs unpacker accepts.
std::string gzip_compress(std::string_view data, int level = 6);

}  // namespace mh::vm
