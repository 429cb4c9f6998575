// Child processes run to completion with captured stdout/stderr, exit status and a process-group timeout.
#include "harness/host/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>

#include "harness/host/child.h"

namespace mh::host {
namespace {

struct Pipe {
    int r = -1;
    int w = -1;
};

Expected<Pipe> make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return make_error(std::string("pipe2 failed: ") + std::strerror(errno));
    return Pipe{fds[0], fds[1]};
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Appends to a capture buffer, dropping the oldest bytes past the cap.
void append_capped(std::string& buf, const char* data, std::size_t n, std::size_t cap, bool& truncated) {
    buf.append(data, n);
    if (cap > 0 && buf.size() > cap) {
        buf.erase(0, buf.size() - cap);
        truncated = true;
    }
}

}  // namespace

std::string ProcessResult::status_text() const {
    char buf[96];
    if (timed_out) {
        std::snprintf(buf, sizeof buf, "timed out after %.1f s", static_cast<double>(elapsed.count()) / 1e9);
    } else if (term_signal != 0) {
        std::snprintf(buf, sizeof buf, "killed by signal %d (%s)", term_signal, strsignal(term_signal));
    } else {
        std::snprintf(buf, sizeof buf, "exit status %d", exit_code);
    }
    return buf;
}

namespace {
std::atomic<const std::atomic<bool>*> g_default_interrupted{nullptr};
}  // namespace

void set_default_interrupt_flag(const std::atomic<bool>* flag) { g_default_interrupted.store(flag); }

bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

std::optional<std::filesystem::path> find_program(std::string_view program) {
    if (program.empty()) return std::nullopt;
    if (program.find('/') != std::string_view::npos) {
        if (::access(std::string(program).c_str(), X_OK) == 0) return std::filesystem::path(program);
        return std::nullopt;
    }
    const char* path = std::getenv("PATH");
    const std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t pos = 0;
    while (pos <= dirs.size()) {
        const std::size_t colon = dirs.find(':', pos);
        const std::string dir = dirs.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
        if (!dir.empty()) {
            auto candidate = std::filesystem::path(dir) / program;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
        if (colon == std::string::npos) break;
        pos = colon + 1;
    }
    return std::nullopt;
}

Expected<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    if (argv.empty() || argv[0].empty()) return make_error("run_process: empty command");
    const std::atomic<bool>* const stop_flag = options.interrupted ? options.interrupted : g_default_interrupted.load();
    MH_TRY_ASSIGN(out_pipe, make_pipe());
    auto err_pipe_e = options.merge_stderr ? Expected<Pipe>(Pipe{}) : make_pipe();
    if (!err_pipe_e) {
        close_fd(out_pipe.r), close_fd(out_pipe.w);
        return err_pipe_e.error();
    }
    Pipe err_pipe = *err_pipe_e;

    const auto start = std::chrono::steady_clock::now();
    SpawnOptions so;
    so.cwd = options.cwd;
    so.env_overrides = options.env_overrides;
    so.stdout_fd = out_pipe.w;
    so.stderr_fd = options.merge_stderr ? out_pipe.w : err_pipe.w;
    so.die_with_parent = true;
    auto child = Child::spawn(argv, so);
    close_fd(out_pipe.w);
    close_fd(err_pipe.w);
    if (!child) {
        close_fd(out_pipe.r);
        close_fd(err_pipe.r);
        return child.error();
    }

    ProcessResult result;
    const bool has_deadline = options.timeout.count() > 0;
    const auto deadline = start + options.timeout;
    bool interrupted = false;
    std::chrono::steady_clock::time_point killed_at{};
    char buf[65536];
    while (out_pipe.r >= 0 || err_pipe.r >= 0) {
        if (!interrupted && stop_flag && stop_flag->load()) {
            interrupted = true;
            killed_at = std::chrono::steady_clock::now();
            child->kill_group();
        }
        // A grandchild that left the group could hold the pipes open: stop reading after a grace.
        if (interrupted && std::chrono::steady_clock::now() - killed_at > std::chrono::seconds(2)) break;
        pollfd fds[2];
        nfds_t n = 0;
        if (out_pipe.r >= 0) fds[n++] = {out_pipe.r, POLLIN, 0};
        if (err_pipe.r >= 0) fds[n++] = {err_pipe.r, POLLIN, 0};
        int wait_ms = -1;
        if (has_deadline && !result.timed_out) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                result.timed_out = true;
                child->kill_group();  // make's whole tree; the pipes close when the last one dies
                continue;
            }
            wait_ms = static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
        }
        if (stop_flag) wait_ms = wait_ms < 0 ? 100 : std::min(wait_ms, 100);
        int rc = poll(fds, n, wait_ms);
        if (rc < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (nfds_t i = 0; i < n; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r < 0 && errno == EINTR) continue;
            bool is_out = fds[i].fd == out_pipe.r;
            if (r <= 0) {
                close_fd(is_out ? out_pipe.r : err_pipe.r);
                continue;
            }
            auto len = static_cast<std::size_t>(r);
            if (options.echo) {
                std::fwrite(buf, 1, len, is_out ? stdout : stderr);
                std::fflush(is_out ? stdout : stderr);
            }
            append_capped(is_out ? result.out : result.err, buf, len, options.max_capture, result.truncated);
        }
    }
    close_fd(out_pipe.r);
    close_fd(err_pipe.r);

    int st = child->wait();
    if (interrupted || result.timed_out) child->wait_group_gone(std::chrono::seconds(5));
    if (interrupted) return interrupted_error("interrupted: stopped " + display_command(argv));
    result.elapsed = std::chrono::steady_clock::now() - start;
    if (WIFEXITED(st)) result.exit_code = WEXITSTATUS(st);
    if (WIFSIGNALED(st)) result.term_signal = WTERMSIG(st);
    return result;
}

std::string tail_lines(const std::string& text, std::size_t max_lines) {
    if (max_lines == 0) return {};
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] == '\n') --end;
    std::size_t pos = end;
    std::size_t lines = 0;
    while (pos > 0) {
        if (text[pos - 1] == '\n' && ++lines == max_lines) break;
        --pos;
    }
    return text.substr(pos, end - pos);
}

std::string display_command(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += ' ';
        bool plain = !a.empty() &&
                     a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=+:,@%") == std::string::npos;
        if (plain) {
            out += a;
        } else {
            out += '\'';
            for (char c : a) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
            out += '\'';
        }
    }
    return out;
}

}  // namespace mh::host
