// The guard facts of the machine this process runs on, gathered and judged (guard.h): one call
// at the top of every guest program's main, before anything else it does.
#pragma once

#include <optional>
#include <string>

namespace mh::guest_guard {

// For a program that is itself the VM's /init (executor, guest bench): it must be PID 1. Inside
// its own initramfs (token file present, initramfs root) it mounts /proc to read the command line.
// nullopt = allowed.
std::optional<std::string> refusal_as_init();

// For a program started by the harness /init (the fuzz engines): PID 1 must be /init, and /proc
// is already mounted by it. nullopt = allowed.
std::optional<std::string> refusal_as_descendant();

}  // namespace mh::guest_guard
