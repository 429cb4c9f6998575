#include "harness/executor/go_wait.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "harness/common/text.h"
#include "harness/executor/fw_cfg.h"
#include "harness/protocol/frame_types.h"

namespace mh::executor {
namespace {

// Lines from /dev/ttyS1, read in blocks rather than a read() per byte.
class HostLines {
public:
    HostLines() : fd_(::open("/dev/ttyS1", O_RDONLY | O_NOCTTY | O_CLOEXEC)) {}
    ~HostLines() {
        if (fd_ >= 0) ::close(fd_);
    }
    HostLines(const HostLines&) = delete;
    HostLines& operator=(const HostLines&) = delete;
    bool open() const { return fd_ >= 0; }

    // The next line (without '\n'); `too_long` when it passed `limit` (its bytes are dropped).
    Expected<std::string> next(size_t limit, bool& too_long) {
        too_long = false;
        std::string line;
        for (;;) {
            const auto eol = buffer_.find('\n');
            const size_t take = eol == std::string::npos ? buffer_.size() : eol;
            if (!too_long) line.append(buffer_, 0, take);
            if (line.size() > limit) {
                too_long = true;
                line.clear();
            }
            if (eol != std::string::npos) {
                buffer_.erase(0, eol + 1);
                return line;
            }
            buffer_.clear();
            char block[4096];
            const ssize_t n = ::read(fd_, block, sizeof block);
            if (n < 0) continue;  // EINTR, or the UART's state changing under a restore: read again
            if (n == 0) return make_error("/dev/ttyS1 closed while waiting for the host");
            buffer_.assign(block, static_cast<size_t>(n));
        }
    }

private:
    int fd_;
    std::string buffer_;
};

void make_parents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1))
        ::mkdir(path.substr(0, slash).c_str(), 0755);
}

}  // namespace

Expected<protocol::GoRecord> wait_for_go() {
    HostLines in;
    if (!in.open()) return make_error("cannot open /dev/ttyS1 to wait for the host's go record");
    for (;;) {
        bool too_long = false;
        MH_TRY_ASSIGN(line, in.next(protocol::kMaxGoLineBytes, too_long));
        if (too_long) continue;
        auto rec = kv_parse(line);
        if (!rec) continue;
        auto go = protocol::parse_go(*rec);
        if (go) return go;
    }
}

Status receive_go_files(int count) {
    MH_TRY_ASSIGN(blob, read_fw_cfg_file(protocol::kGoFilesFwCfgName, 4 * protocol::kMaxGoFileLineBytes));
    int got = 0;
    for (auto [line, number] : lines(blob)) {
        if (line.empty()) continue;
        auto rec = kv_parse(std::string(line));
        if (!rec) return make_error("fw_cfg files, line " + std::to_string(number) + ": " + rec.error().message);
        MH_TRY_ASSIGN(file, protocol::parse_go_file(*rec));
        const std::string path = "/" + file.path;
        make_parents(path);
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return make_error("cannot create " + path + ": " + std::strerror(errno));
        size_t done = 0;
        while (done < file.data.size()) {
            const ssize_t n = ::write(fd, file.data.data() + done, file.data.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ::close(fd);
                return make_error("cannot write " + path + ": " + std::strerror(errno));
            }
            done += static_cast<size_t>(n);
        }
        ::close(fd);
        ++got;
    }
    if (got != count) return make_error("the go record announced " + std::to_string(count) + " files, fw_cfg holds " + std::to_string(got));
    return ok_status();
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
