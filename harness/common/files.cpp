// File helpers: atomic replace via rename(2) in the same directory.
#include "harness/common/files.h"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iterator>

namespace mh {

Expected<std::string> read_text_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return make_error("cannot read '" + p.string() + "'");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

Status write_file_atomic(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::path tmp = p;
    tmp += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        if (!(o << text)) return make_error("cannot write '" + tmp.string() + "'");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, p, ec);
    if (ec) return make_error("cannot rename '" + tmp.string() + "' to '" + p.string() + "': " + ec.message());
    return ok_status();
}

std::string utc_now_iso() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace mh
