// Plain whole-file write.
#include "bench/runner/write_file.h"

#include <fstream>

namespace mh::bench {

Status write_file(const std::filesystem::path& p, const std::string& data) {
    std::ofstream o(p, std::ios::binary);
    o << data;
    if (!o) return make_error("cannot write " + p.string());
    return ok_status();
}

}  // namespace mh::bench
