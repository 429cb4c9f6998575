// fork/exec of QEMU in its own process group, with PDEATHSIG so a killed modharness leaves no VM behind.
#include "harness/vm/vm_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mh::vm {

Expected<VmProcess> VmProcess::start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    if (argv.empty()) return make_error("empty QEMU command line");
    int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (logfd < 0) return make_error("cannot create " + log.string() + ": " + std::strerror(errno));
    int errpipe[2];
    if (::pipe2(errpipe, O_CLOEXEC) != 0) {
        ::close(logfd);
        return make_error(std::string("pipe2: ") + std::strerror(errno));
    }
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(logfd);
        return make_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        ::dup2(logfd, 1);
        ::dup2(logfd, 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        int e = errno;
        (void)::write(errpipe[1], &e, sizeof e);
        ::_exit(127);
    }
    ::close(logfd);
    ::close(errpipe[1]);
    int child_errno = 0;
    ssize_t n = ::read(errpipe[0], &child_errno, sizeof child_errno);
    ::close(errpipe[0]);
    if (n == sizeof child_errno) {
        ::waitpid(pid, nullptr, 0);
        return make_error("cannot run " + argv[0] + ": " + std::strerror(child_errno) +
                          (child_errno == ENOENT ? " (install QEMU: apt-get install qemu-system-x86)" : ""));
    }
    return VmProcess(pid);
}

VmProcess::VmProcess(VmProcess&& other) noexcept : pid_(other.pid_), status_(other.status_) { other.pid_ = -1; }

VmProcess::~VmProcess() {
    if (pid_ > 0 && !status_) {
        kill();
    }
}

std::optional<int> VmProcess::poll() {
    if (status_ || pid_ <= 0) return status_;
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) status_ = st;
    return status_;
}

void VmProcess::kill() {
    if (pid_ <= 0 || status_) return;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int st = 0;
    if (::waitpid(pid_, &st, 0) == pid_) status_ = st;
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

}  // namespace mh::vm
