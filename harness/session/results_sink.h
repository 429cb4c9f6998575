// results.jsonl as an append-only, durable file: whole lines only, every failure reported with its errno.
#pragma once

#include <filesystem>
#include <string>

#include "harness/common/expected.h"

namespace mh::session {

class ResultsSink {
public:
    // Opens (creating) `path` for appending.
    static Expected<ResultsSink> open(const std::filesystem::path& path);
    ResultsSink(ResultsSink&& other) noexcept;
    ResultsSink& operator=(ResultsSink&&) = delete;
    ResultsSink(const ResultsSink&) = delete;
    ~ResultsSink();

    // Appends `line` + '\n' and makes it durable (fdatasync) before returning, so a killed run
    // loses nothing it reported. On failure (ENOSPC, EIO, a short write) the file is cut back to
    // its size before the call: it keeps whole lines only and the failed case is simply not
    // recorded, so --resume runs it again. The error names the file and the errno.
    Status append(const std::string& line);

    const std::filesystem::path& path() const { return path_; }

private:
    ResultsSink(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
};

// "No space left on device (ENOSPC)": what a person and a script can both act on.
std::string describe_errno(int err);

}  // namespace mh::session
