// Follows a file another process appends to (QEMU's console and results chardevs).
#pragma once

#include <filesystem>
#include <string>

#include "harness/common/files.h"

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

// The common reader, "" if unreadable, under its old name for the callers that still use it
// (campaign/campaign.cpp, session/batch_runner.cpp, vm/guest_program.cpp); new code says
// mh::read_text_file(p).value_or("").
inline std::string read_whole_file(const std::filesystem::path& p) { return read_text_file(p).value_or(""); }

}  // namespace mh::host
