// Reading a named file of QEMU's fw_cfg device from user space, by port I/O (selector 0x510,
// data 0x511; x86 only, needs ioperm: CONFIG_X86_IOPL_IOPERM and CAP_SYS_RAWIO, which PID 1 has).
// The host's bulk channel to a restored guest: no driver, and it reads at memory speed.
#pragma once

#include <string>

#include "harness/common/expected.h"

namespace mh::executor {

// The contents of fw_cfg file `name` (e.g. "opt/modharness/files"). Errors: no port access, no
// fw_cfg device, no such file, a file larger than `max_bytes`.
Expected<std::string> read_fw_cfg_file(const std::string& name, size_t max_bytes);

}  // namespace mh::executor
