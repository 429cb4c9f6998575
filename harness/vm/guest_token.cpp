// Random hex from the kernel's random source, every read checked (see guest_token.h).
#include "harness/vm/guest_token.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mh::vm {

Expected<std::string> random_hex_from(const std::filesystem::path& source, size_t bytes, const std::string& what) {
    const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return environment_error(what + ": cannot open " + source.string() + ": " + std::strerror(errno));
    std::vector<unsigned char> raw(bytes);
    size_t got = 0;
    int read_errno = 0;
    while (got < raw.size()) {
        const ssize_t n = ::read(fd, raw.data() + got, raw.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) read_errno = errno;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    if (read_errno != 0) return environment_error(what + ": reading " + source.string() + ": " + std::strerror(read_errno));
    if (got < raw.size())
        return environment_error(what + ": " + source.string() + " gave " + std::to_string(got) + " of " + std::to_string(raw.size()) +
                                 " bytes");
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * raw.size());
    for (unsigned char c : raw) {
        out += kDigits[c >> 4];
        out += kDigits[c & 0xf];
    }
    return out;
}

Expected<std::string> random_hex(size_t bytes, const std::string& what) { return random_hex_from("/dev/urandom", bytes, what); }

Expected<std::string> guest_token_from(const std::filesystem::path& source) {
    return random_hex_from(source, kGuestTokenBytes, "guard token");
}

Expected<std::string> guest_token() { return guest_token_from("/dev/urandom"); }

}  // namespace mh::vm
