// Whole-file helpers used by the caches, reports and guest programs: read, atomic replace, UTC timestamps.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh {

// The one whole-file reader: every byte (binary mode; "text" only means the bytes come back as a
// std::string). Errors name the file and the reason. Callers that treat an unreadable file as
// empty say so with .value_or("").
Expected<std::string> read_text_file(const std::filesystem::path& p);
// The same bytes as a byte vector (module images).
Expected<std::vector<uint8_t>> read_file_bytes(const std::filesystem::path& p);
// The one durable write: a temporary beside `p` gets every byte and an fsync, is closed (checked),
// renamed over `p`, and the directory is synced. Readers never see half a file, and a failure
// (disk full, read-only, I/O error) leaves the old `p` as it was and no temporary behind. Errors
// are storage errors naming `p`, the step and the errno ("No space left on device (ENOSPC)").
// `mode` is the new file's (less the umask), from its first byte: 0600 keeps a secret private.
// True when `p` does not exist or is an empty directory (an output directory a command may fill).
bool absent_or_empty_dir(const std::filesystem::path& p);

Status write_file_atomic(const std::filesystem::path& p, const std::string& text, mode_t mode = 0666);
// "No space left on device (ENOSPC)": strerror and the errno's name, for storage errors.
std::string describe_errno(int err);
// "2026-11-29T04:10:00Z"
std::string utc_now_iso();

}  // namespace mh
