// QEMU as a child in its own process group that dies with us (a killed modharness leaves no VM).
#include "harness/vm/vm_process.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mh::vm {

Expected<VmProcess> VmProcess::start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    if (argv.empty()) return make_error("empty QEMU command line");
    int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (logfd < 0) return storage_error("cannot create " + log.string() + ": " + std::strerror(errno));
    host::SpawnOptions so;
    so.stdout_fd = logfd;
    so.stderr_fd = logfd;
    so.die_with_parent = true;
    int failed_errno = 0;
    auto child = host::Child::spawn(argv, so, &failed_errno);
    ::close(logfd);
    if (!child) {
        if (failed_errno == 0) return child.error();
        return environment_error("cannot run " + argv[0] + ": " + std::strerror(failed_errno) +
                                 (failed_errno == ENOENT ? " (install QEMU: apt-get install qemu-system-x86)" : ""));
    }
    return VmProcess(std::move(child).value());
}

}  // namespace mh::vm
