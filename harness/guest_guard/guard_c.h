// The guard as C text, for the standalone C reproducers (harness/campaign/repro.h): the same facts
// and constants as guard.h and machine.h, so a reproducer refuses exactly where the executor does.
#pragma once

#include <string>

namespace mh::guest_guard {

// C source defining `static const char *mh_guard_refusal(void)`: NULL inside a modharness VM
// (as PID 1 in its initramfs it mounts /proc itself, as the executor does), else the reason.
// Needs <fcntl.h>, <stdio.h>, <string.h>, <sys/mount.h>, <sys/stat.h>, <sys/statfs.h>, <unistd.h>:
// the text includes them.
std::string guard_c_source();

}  // namespace mh::guest_guard
