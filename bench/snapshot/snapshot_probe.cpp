// mh-snapshot-probe: the /init of the VMs scripts/snapshot-candidates.py measures. It reaches a
// ready point (guard passed, filesystems mounted), says READY on ttyS1 and then answers every
// byte the host sends there with "GO <n>": the time from starting QEMU to the first GO is what a
// cold boot or a snapshot restore costs before a guest can take work. 'q' powers the VM off. No
// module syscall is made; like every guest program it refuses to run outside a harness VM.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "harness/executor/guest_env.h"
#include "harness/guest_guard/machine.h"

namespace {

void write_all(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
    ::tcdrain(fd);
}

}  // namespace

int main() {
    if (auto why = mh::guest_guard::refusal_as_init()) return mh::executor::refuse_and_exit("mh-snapshot-probe", *why);
    mh::executor::mount_guest_filesystems("size=10%");
    const int fd = ::open("/dev/ttyS1", O_RDWR | O_NOCTTY);
    if (fd < 0) {
        std::perror("mh-snapshot-probe: /dev/ttyS1");
        mh::executor::power_off();
    }
    termios t{};
    if (::tcgetattr(fd, &t) == 0) {
        ::cfmakeraw(&t);  // no echo, no line buffering: one byte in is one answer out
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        ::tcsetattr(fd, TCSANOW, &t);
    }
    write_all(fd, "READY\n");
    for (unsigned long n = 1;; ++n) {
        char c = 0;
        const ssize_t r = ::read(fd, &c, 1);
        if (r < 0) continue;  // EINTR, or the UART's state changing under a restore
        if (r == 0 || c == 'q') break;
        if (c == '\n' || c == '\r') continue;
        write_all(fd, "GO " + std::to_string(n) + "\n");
    }
    mh::executor::power_off();
}
