// fork/exec child processes with captured stdout/stderr, exit status and a process-group timeout.
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

extern char** environ;

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

// The environment for the child: ours with overrides applied (built before fork: the child may
// only call async-signal-safe functions).
std::vector<std::string> child_environment(const std::vector<std::string>& overrides) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        std::string key = entry.substr(0, entry.find('='));
        bool overridden = false;
        for (const auto& o : overrides)
            if (o.substr(0, o.find('=')) == key) overridden = true;
        if (!overridden) env.push_back(std::move(entry));
    }
    for (const auto& o : overrides) env.push_back(o);
    return env;
}

std::vector<char*> c_array(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
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

Expected<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    if (argv.empty() || argv[0].empty()) return make_error("run_process: empty command");
    std::vector<std::string> args = argv;
    std::vector<char*> c_args = c_array(args);
    std::vector<std::string> env = child_environment(options.env_overrides);
    std::vector<char*> c_env = c_array(env);
    std::string cwd = options.cwd.string();

    MH_TRY_ASSIGN(out_pipe, make_pipe());
    auto err_pipe_e = options.merge_stderr ? Expected<Pipe>(Pipe{}) : make_pipe();
    if (!err_pipe_e) {
        close_fd(out_pipe.r), close_fd(out_pipe.w);
        return err_pipe_e.error();
    }
    Pipe err_pipe = *err_pipe_e;
    // The child writes its exec errno here; CLOEXEC closes it on a successful exec.
    auto status_pipe_e = make_pipe();
    if (!status_pipe_e) {
        close_fd(out_pipe.r), close_fd(out_pipe.w), close_fd(err_pipe.r), close_fd(err_pipe.w);
        return status_pipe_e.error();
    }
    Pipe status_pipe = *status_pipe_e;

    const auto start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        for (int* fd : {&out_pipe.r, &out_pipe.w, &err_pipe.r, &err_pipe.w, &status_pipe.r, &status_pipe.w}) close_fd(*fd);
        return make_error(std::string("fork failed: ") + std::strerror(e));
    }
    if (pid == 0) {
        // Child: own process group so a timeout can kill make's whole tree.
        setpgid(0, 0);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(out_pipe.w, 1);
        dup2(options.merge_stderr ? out_pipe.w : err_pipe.w, 2);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
            int e = errno;
            (void)!write(status_pipe.w, &e, sizeof e);
            _exit(127);
        }
        execvpe(c_args[0], c_args.data(), c_env.data());
        int e = errno;
        (void)!write(status_pipe.w, &e, sizeof e);
        _exit(127);
    }
    setpgid(pid, pid);  // also from the parent, to win the race with an early timeout kill
    close_fd(out_pipe.w);
    close_fd(err_pipe.w);
    close_fd(status_pipe.w);

    int exec_errno = 0;
    ssize_t got = ::read(status_pipe.r, &exec_errno, sizeof exec_errno);
    close_fd(status_pipe.r);

    ProcessResult result;
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        close_fd(out_pipe.r);
        close_fd(err_pipe.r);
        int st = 0;
        waitpid(pid, &st, 0);
        std::string what = (!cwd.empty() && exec_errno == ENOENT && access(cwd.c_str(), F_OK) != 0)
                               ? "cannot change to directory '" + cwd + "'"
                               : "cannot run '" + argv[0] + "'";
        return make_error(what + ": " + std::strerror(exec_errno));
    }

    const bool has_deadline = options.timeout.count() > 0;
    const auto deadline = start + options.timeout;
    char buf[65536];
    while (out_pipe.r >= 0 || err_pipe.r >= 0) {
        pollfd fds[2];
        nfds_t n = 0;
        if (out_pipe.r >= 0) fds[n++] = {out_pipe.r, POLLIN, 0};
        if (err_pipe.r >= 0) fds[n++] = {err_pipe.r, POLLIN, 0};
        int wait_ms = -1;
        if (has_deadline && !result.timed_out) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                result.timed_out = true;
                kill(-pid, SIGKILL);
                continue;
            }
            wait_ms = static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
        }
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

    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
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
        bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=+:,@%") == std::string::npos;
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
