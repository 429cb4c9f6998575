// fork/exec with an exec-errno pipe, a new process group and optional parent-death signal.
#include "harness/host/child.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "harness/common/files.h"

extern char** environ;

namespace mh::host {
namespace {

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

Expected<Child> Child::spawn(const std::vector<std::string>& argv, const SpawnOptions& o, int* failed_errno) {
    auto fail = [&](int e, const std::string& message) -> Expected<Child> {
        if (failed_errno) *failed_errno = e;
        return environment_error(message + ": " + std::strerror(e));  // a missing tool, no processes left
    };
    if (argv.empty() || argv[0].empty()) return make_error("empty command");
    std::vector<std::string> args = argv;
    std::vector<char*> c_args = c_array(args);
    std::vector<std::string> env = child_environment(o.env_overrides);
    std::vector<char*> c_env = c_array(env);
    const std::string cwd = o.cwd.string();
    // The child writes the errno of a failed chdir/exec here; CLOEXEC closes it on a successful exec.
    int status_pipe[2];
    if (::pipe2(status_pipe, O_CLOEXEC) != 0) return fail(errno, "pipe2");
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        int e = errno;
        ::close(status_pipe[0]);
        ::close(status_pipe[1]);
        return fail(e, "fork");
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        if (o.die_with_parent) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
        }
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        if (o.stdout_fd >= 0) ::dup2(o.stdout_fd, 1);
        if (o.stderr_fd >= 0) ::dup2(o.stderr_fd, 2);
        int stage = 0;  // 0: exec, 1: chdir
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0)
            stage = 1;
        else
            ::execvpe(c_args[0], c_args.data(), c_env.data());
        int report[2] = {errno, stage};
        (void)!::write(status_pipe[1], report, sizeof report);
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from the parent, to win the race with an early kill of the group
    ::close(status_pipe[1]);
    int report[2] = {0, 0};
    ssize_t got = ::read(status_pipe[0], report, sizeof report);
    ::close(status_pipe[0]);
    if (got == static_cast<ssize_t>(sizeof report)) {
        int st = 0;
        ::waitpid(pid, &st, 0);
        if (report[1] == 1) return fail(report[0], "cannot change to directory '" + cwd + "'");
        return fail(report[0], "cannot run '" + argv[0] + "'");
    }
    return Child(pid);
}

Child::Child(Child&& other) noexcept : pid_(other.pid_), status_(other.status_) { other.pid_ = -1; }

Child::~Child() {
    if (pid_ > 0 && !status_) kill();
}

std::optional<int> Child::poll() {
    if (status_ || pid_ <= 0) return status_;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) status_ = st;
    return status_;
}

int Child::wait() {
    if (status_ || pid_ <= 0) return status_.value_or(0);
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {}
    status_ = st;
    return st;
}

void Child::kill_group() {
    if (pid_ <= 0 || status_) return;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
}

void Child::kill() {
    if (pid_ <= 0 || status_) return;
    kill_group();
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {}
    status_ = st;
    wait_group_gone(std::chrono::seconds(5));
}

void Child::wait_group_gone(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return;
    const auto end = std::chrono::steady_clock::now() + limit;
    while (process_group_alive(pid_) && std::chrono::steady_clock::now() < end) {
        ::kill(-pid_, SIGKILL);
        ::usleep(10000);
    }
}

bool process_group_alive(pid_t pgid) {
    if (::kill(-pgid, 0) != 0) return false;  // ESRCH: no member at all
    // Members killed with the group stay zombies until their new parent reaps them (never, under
    // an init that does not reap): only members still running count.
    DIR* proc = ::opendir("/proc");
    if (!proc) return true;
    bool alive = false;
    while (const dirent* e = ::readdir(proc)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        const std::string stat = read_text_file(std::string("/proc/") + e->d_name + "/stat").value_or("");
        // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
        const size_t close = stat.rfind(')');
        if (close == std::string::npos) continue;
        char state = 0;
        long ppid = 0, pgrp = 0;
        if (std::sscanf(stat.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) == 3 && pgrp == pgid && state != 'Z' &&
            state != 'X') {
            alive = true;
            break;
        }
    }
    ::closedir(proc);
    return alive;
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

}  // namespace mh::host
