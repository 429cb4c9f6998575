// A running QEMU: started from an argv, polled without blocking, killed with its process group.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::vm {

class VmProcess {
public:
    // stdout+stderr of QEMU go to `log` (its own complaints: bad options, missing files).
    static Expected<VmProcess> start(const std::vector<std::string>& argv, const std::filesystem::path& log);
    VmProcess(VmProcess&& other) noexcept;
    VmProcess& operator=(VmProcess&&) = delete;
    VmProcess(const VmProcess&) = delete;
    ~VmProcess();  // kills a still-running QEMU: no VM outlives its owner

    // Exit status if it ended (waitpid status), nullopt while running.
    std::optional<int> poll();
    void kill();
    pid_t pid() const { return pid_; }

private:
    explicit VmProcess(pid_t pid) : pid_(pid) {}
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// "exited 0", "killed by signal 9".
std::string describe_wait_status(int status);

}  // namespace mh::vm
