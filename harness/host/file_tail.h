// Follows a file another process appends to (QEMU's console and results chardevs).
#pragma once

#include <filesystem>
#include <string>

namespace mh::host {

class FileTail {
public:
    explicit FileTail(std::filesystem::path p) : path_(std::move(p)) {}
    ~FileTail();
    FileTail(const FileTail&) = delete;
    FileTail& operator=(const FileTail&) = delete;
    // Bytes appended since the previous call ("" while the file does not exist yet).
    std::string read_new();

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace mh::host
