#include "harness/executor/go_wait.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "harness/common/text.h"
#include "harness/executor/fw_cfg.h"
#include "harness/executor/host_lines.h"
#include "harness/protocol/frame_types.h"

namespace mh::executor {

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
        MH_TRY(write_guest_file("/" + file.path, file.data));
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
