// Guard tokens from the kernel's random source, every read checked (see guest_token.h).
#include "harness/vm/guest_token.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mh::vm {

Expected<std::string> guest_token_from(const std::filesystem::path& source) {
    const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return environment_error("guard token: cannot open " + source.string() + ": " + std::strerror(errno));
    unsigned char raw[kGuestTokenBytes] = {};
    size_t got = 0;
    int read_errno = 0;
    while (got < sizeof raw) {
        const ssize_t n = ::read(fd, raw + got, sizeof raw - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) read_errno = errno;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    if (read_errno != 0) return environment_error("guard token: reading " + source.string() + ": " + std::strerror(read_errno));
    if (got < sizeof raw)
        return environment_error("guard token: " + source.string() + " gave " + std::to_string(got) + " of " + std::to_string(sizeof raw) +
                                 " bytes");
    std::string out;
    char h[3];
    for (unsigned char c : raw) {
        std::snprintf(h, sizeof h, "%02x", c);
        out += h;
    }
    return out;
}

Expected<std::string> guest_token() { return guest_token_from("/dev/urandom"); }

}  // namespace mh::vm
