// Run a child process from an argv (never a shell string): capture its output, exit status, timeout.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/expected.h"

namespace mh::host {

struct ProcessOptions {
    std::filesystem::path cwd;  // empty: inherit ours
    std::vector<std::string> env_overrides;  // "NAME=VALUE" entries added to (or replacing in) our environment
    std::chrono::milliseconds timeout{0};  // 0: wait forever; else SIGKILL the child's process group
    bool merge_stderr = false;  // stderr goes into `out`, interleaved in arrival order
    bool echo = false;  // also copy the child's output to our stdout/stderr as it arrives
    std::size_t max_capture = 16u << 20;  // per stream; beyond it the *head* is dropped (errors live at the tail)
    // Checked while the child runs (every 100 ms): once set, the child's process group is killed
    // and waited for, and run_process returns an interrupted error (exit 130 in the CLI).
    // nullptr: the process-wide flag of set_default_interrupt_flag, if one was set.
    const std::atomic<bool>* interrupted = nullptr;
};

struct ProcessResult {
    int exit_code = -1;  // valid when term_signal == 0 and !timed_out
    int term_signal = 0;  // signal that ended the child, 0 if it exited
    bool timed_out = false;
    bool truncated = false;  // some output was dropped because of max_capture
    std::string out;
    std::string err;  // empty when merge_stderr
    std::chrono::nanoseconds elapsed{0};

    bool success() const { return !timed_out && term_signal == 0 && exit_code == 0; }
    // "exit status 2", "killed by signal 9", "timed out after 5.0 s".
    std::string status_text() const;
};

// The flag every run_process watches unless its options name another. The CLI sets its signal
// flag here once, so a Ctrl-C also stops children started deep below it (objdump, apt, tar): they
// run in their own process groups and never see the terminal's SIGINT themselves.
void set_default_interrupt_flag(const std::atomic<bool>* flag);

// No process `pid` exists (kill(pid, 0) says ESRCH): the owner of a file named after it is gone.
// A process of another user counts as existing.
bool process_gone(pid_t pid);

// Where `program` is found: itself when it holds a '/', else the first executable in $PATH
// (/usr/local/bin:/usr/bin:/bin when unset or empty); nullopt when nowhere.
std::optional<std::filesystem::path> find_program(std::string_view program);

// Runs argv[0] (searched in PATH) with argv, in its own process group, killed if we die
// (PR_SET_PDEATHSIG). The Error case is for failing to start the program (not found, not
// executable, fork failure) and for an interrupt; a non-zero exit is a ProcessResult.
Expected<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The last `max_lines` lines of text (for error messages quoting a tool's output).
std::string tail_lines(const std::string& text, std::size_t max_lines);

// argv joined for display, with arguments that need it single-quoted (never executed).
std::string display_command(const std::vector<std::string>& argv);

}  // namespace mh::host
