// A running QEMU: started from an argv, polled without blocking, killed with its process group.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/host/child.h"

namespace mh::vm {

class VmProcess {
public:
    // stdout+stderr of QEMU go to `log` (its own complaints: bad options, missing files).
    static Expected<VmProcess> start(const std::vector<std::string>& argv, const std::filesystem::path& log);

    // Exit status if it ended (waitpid status), nullopt while running.
    std::optional<int> poll() { return child_.poll(); }
    void kill() { child_.kill(); }  // also done when the VmProcess goes: no VM outlives its owner
    pid_t pid() const { return child_.pid(); }

private:
    explicit VmProcess(host::Child child) : child_(std::move(child)) {}
    host::Child child_;
};

}  // namespace mh::vm
