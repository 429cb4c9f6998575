#include "harness/executor/go_wait.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace mh::executor {

Expected<protocol::GoRecord> wait_for_go() {
    const int fd = ::open("/dev/ttyS1", O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return make_error("cannot open /dev/ttyS1 to wait for the host's go record");
    std::string line;
    for (;;) {
        char c = 0;
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) continue;  // the UART's state changing under a restore: read again
        if (n == 0) {
            ::close(fd);
            return make_error("/dev/ttyS1 closed while waiting for the host's go record");
        }
        if (c != '\n') {
            if (line.size() <= protocol::kMaxGoLineBytes) line += c;
            continue;
        }
        auto rec = line.size() <= protocol::kMaxGoLineBytes ? kv_parse(line) : Expected<KvRecord>(make_error("too long"));
        line.clear();
        if (!rec) continue;
        auto go = protocol::parse_go(*rec);
        if (!go) continue;
        ::close(fd);
        return go;
    }
}

void mix_seed(const std::string& seed_hex) {
    std::vector<unsigned char> bytes;
    for (size_t i = 0; i + 1 < seed_hex.size(); i += 2)
        bytes.push_back(static_cast<unsigned char>(std::stoi(seed_hex.substr(i, 2), nullptr, 16)));
    const int fd = ::open("/dev/urandom", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    // Writing mixes the bytes into the pool (credited or not, every later read depends on them).
    [[maybe_unused]] ssize_t n = ::write(fd, bytes.data(), bytes.size());
    ::close(fd);
}

}  // namespace mh::executor
