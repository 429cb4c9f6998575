// flock on DIR/.modharness.lock without waiting; the holder's pid comes from the file.
#include "harness/host/output_lock.h"

#include "harness/common/files.h"

namespace mh::host {

Expected<FileLock> lock_output_dir(const std::filesystem::path& dir) {
    const std::filesystem::path file = dir / kOutputLockFile;
    MH_TRY_ASSIGN(lock, FileLock::try_acquire(file));
    if (lock) return std::move(*lock);
    std::string pid = read_text_file(file).value_or("");
    pid.erase(pid.find_last_not_of(" \n") + 1);
    return usage_error("output directory '" + dir.string() + "' is in use by another modharness run" +
                       (pid.empty() ? std::string() : " (pid " + pid + ")") + ": wait for it to end, or choose another --out");
}

}  // namespace mh::host
