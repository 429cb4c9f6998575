// A child process started from an argv (never a shell string): the project's one fork/exec.
// The child gets its own process group (so a kill reaches everything it started), stdin from
// /dev/null, and an exec or chdir failure comes back as an error instead of an exit status 127.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::host {

struct SpawnOptions {
    std::filesystem::path cwd;  // empty: inherit ours
    std::vector<std::string> env_overrides;  // "NAME=VALUE" entries added to (or replacing in) our environment
    int stdout_fd = -1;  // -1: inherit ours
    int stderr_fd = -1;
    bool die_with_parent = false;  // SIGKILL when we die (PR_SET_PDEATHSIG): no orphaned VM
};

class Child {
public:
    // Starts argv[0] (searched in PATH). On failure, `failed_errno` (if given) gets the errno of
    // the exec or chdir that failed, or of fork/pipe.
    static Expected<Child> spawn(const std::vector<std::string>& argv, const SpawnOptions& options, int* failed_errno = nullptr);
    Child(Child&& other) noexcept;
    Child& operator=(Child&&) = delete;
    Child(const Child&) = delete;
    ~Child();  // kills a child still running: no process outlives its owner

    pid_t pid() const { return pid_; }
    // Wait status if it ended, nullopt while running (never blocks).
    std::optional<int> poll();
    // Blocks until it ends; its wait status.
    int wait();
    // SIGKILL to its process group (and itself), then reaps it and waits (up to 5 s) until no
    // process of the group is left: a build lock can then be released safely.
    void kill();
    // SIGKILL to its process group without reaping (the caller still drains its pipes, then waits).
    void kill_group();
    // After the child was reaped: waits until its process group is empty (SIGKILL again to any
    // member still there), at most `limit`.
    void wait_group_gone(std::chrono::milliseconds limit);

private:
    explicit Child(pid_t pid) : pid_(pid) {}
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// True while a process of group `pgid` runs (zombies do not count).
bool process_group_alive(pid_t pgid);

// "exited 0", "killed by signal 9".
std::string describe_wait_status(int status);

}  // namespace mh::host
